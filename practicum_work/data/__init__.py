"""Data tools: plain functions (numpy/OpenCV in, dataclasses/JSON out) used by the CLI."""
