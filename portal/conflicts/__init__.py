"""制度冲突 (HR): candidate conflicts between the regulations in force, side by side, each marked by HR."""
