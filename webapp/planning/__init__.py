"""Planning backwards from a call's deadline: Swedish working days, Grantpath's milestones and the
risks they show. Pure computation: no request, no database writes."""
