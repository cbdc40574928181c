"""Pages of the reviews app, one module per concern (as `services/` and `forms/`): tiers, recommendations,
province (the decision index), experts, scoring, spot_checks, joint_review, notices, publication; shared helpers in
`common`. Every page checks the user on the server; anything out of scope answers 404. Writes go through
`reviews.services` and a refusal shows the service's own message."""
