"""gradc.compiler.lowering"""
