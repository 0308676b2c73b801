"""Operating-room state: surgeries, rule engine, rolling buffer, serializer, reasoning."""
