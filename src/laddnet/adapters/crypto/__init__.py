"""Cryptography adapters: password and key hashing (argon2id)."""
