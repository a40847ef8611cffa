"""Dashboard JSON API: map layers, the evacuee list and detail, and pickup actions.

What a user sees is scoped once, in evacuation.selectors (staff: the city; a volunteer:
their areas), and every step of a pickup is an evacuation.services service; these views
only parse, call and answer. Bulk answers (layers, list) carry no names; names, phone
and notes come one report at a time from the detail, and each detail is logged.
Something outside the user's areas answers 404, exactly like something that does not
exist, so other areas' requests cannot be probed.
"""
