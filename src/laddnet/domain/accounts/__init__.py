"""People who operate Laddnet: roles and what each may do, site scopes, password policy, login
throttling and session timeouts. Pure rules; storage and HTTP live in the outer layers."""
