"""The OCPP gateway: WebSocket handshake and station login, our RPC core, and one translation
package per protocol version (`v16`, `v201`) that turns payloads into version-neutral commands.
"""
