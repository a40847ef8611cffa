"""Signing in: Django's model backend, with the signed-in user read by a prepared query
(every signed-in request reads it; see lib.prepared)."""

from __future__ import annotations

from django.contrib.auth import backends, get_user_model

from lib.prepared import PreparedGet

_user_by_pk = PreparedGet(lambda pk: get_user_model()._default_manager.filter(pk=pk))


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        try:
            user = _user_by_pk(pk=int(user_id))
        except (TypeError, ValueError):  # not an id: nobody is signed in
            return None
        return user if user is not None and self.user_can_authenticate(user) else None
