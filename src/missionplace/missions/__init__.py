"""The Permanent Missions: Member States and observer States, their groups and their staff."""
