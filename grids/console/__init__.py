"""The admin console's pages of the data `grids` owns: the area tree, grid assignments (assign,
transfer, end, vacancies, history), people and their roles, and spreadsheet imports."""
