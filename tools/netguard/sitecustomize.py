"""Started by every Python process of the test session (this directory is on its PYTHONPATH only
then): install the network guard.  See netguard.py."""

import netguard

netguard.install_from_environment()
