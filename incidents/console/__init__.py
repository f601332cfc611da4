"""The admin console's pages of the data `incidents` owns: categories, time limits, routing rules
and the routing tester."""
