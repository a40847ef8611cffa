from lib.roles import Role, can_use_dashboard, has_role, is_city_staff


def can_see_evacuees(user) -> bool:
    """Out-of-shelter evacuees and pickups are volunteers' and staff's work. Shelter
    reception has a dashboard role too, but its task (check-in at one shelter) does not
    need to know who is sheltering where in town, so it sees none of them."""
    return is_city_staff(user) or (can_use_dashboard(user) and has_role(user, Role.VOLUNTEER))
