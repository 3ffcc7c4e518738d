"""Python policies that ship with gauntlet (reference twins of C++ policies)."""
