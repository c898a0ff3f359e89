"""Pure domain: plain data and logic, no I/O and no framework imports."""
