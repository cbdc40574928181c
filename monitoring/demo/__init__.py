"""The demo data of `manage.py seed_demo`, built through the services as each role would act: accounts
(`accounts`), applications driven to each state (`applications`), this year's call with its review under way
(`current`), and last year's call carried to certificates with the monitoring that follows (`past`).

It lives in the top app because it drives every app below it; it never imports test modules."""
