"""Mail records read as their RFCs define them: SPF (RFC 7208), DMARC
(RFC 7489) and DKIM keys (RFC 6376), and which provider serves each mail
domain of a zone (SPEC §3 ZF2)."""
