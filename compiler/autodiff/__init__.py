"""gradc.compiler.autodiff"""
