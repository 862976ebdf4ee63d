class SideConverter:
    """``volunteer`` or ``household``: the side of a pair a participant page speaks for."""

    regex = "volunteer|household"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
