"""gradc.compiler.passes"""
