# A stand-in for the sglang package: just enough for dump.py's test.
__version__ = "0.5.10.post1"
