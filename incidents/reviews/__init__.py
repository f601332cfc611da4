"""日清周评: the daily review (日清) and the weekly evaluation (周评) of cases, per area."""
