class ServiceError(Exception):
    """A refusal the user should read: the message is Chinese and says what to do."""

    def __init__(self, message, *, errors=None):
        super().__init__(str(message))
        self.message = str(message)
        self.errors = errors or {}


class NotAllowed(ServiceError):
    """The user may not do this, or not from the object's current state."""


class Conflict(ServiceError):
    """Someone else changed the object since the user loaded it."""
