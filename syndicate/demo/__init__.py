"""Demo content shipped with syndicate, loaded by `syndicate init --demo`."""
