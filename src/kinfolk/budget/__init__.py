"""What a programme costs: rates, budgets, the forecast from the visit plan, and expense claims."""
