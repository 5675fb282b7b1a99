"""lp: exact offline optima (time-indexed integer program, brute force) and lower bounds."""
