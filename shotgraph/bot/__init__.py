"""Chat front ends: the platform-neutral core that both bots share, and thin Discord and
Telegram adapters over it (see ARCHITECTURE.md, "Chat front ends")."""
