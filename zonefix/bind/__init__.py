"""BIND zone files: everything zonefix knows of their syntax.

Reading: the lossless grammar driver (syntax/), the per-line facts BIND
reads the same way everywhere (facts.py), the resolver that turns entries
into records ($ORIGIN, $TTL, $INCLUDE, $GENERATE, blank owners: resolver.py,
generate.py), the fast path that reads common rdata without dnspython
(fastpath.py), Cloudflare's dialect (cloudflare.py) and the incremental
re-read of a fix pass (reread.py). Writing: record edits lowered into byte
edits in the file's own style, the SOA serial bump among them (edits.py),
behind the format seam (document.py, zonefix.document).
"""
