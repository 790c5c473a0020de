"""Signatures of approvals with the reviewer's SSH key (OpenSSH's `ssh-keygen -Y`)."""
