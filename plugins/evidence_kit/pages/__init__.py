"""Pages generated from the evidence: cards, status, incidents, on-call, controls, print."""
