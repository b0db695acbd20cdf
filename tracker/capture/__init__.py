"""Capturing versions by themselves: fetch a URL once (:mod:`.page`), watch URLs and feeds
on a schedule (:mod:`.watch`), import a git history (:mod:`.gitimport`), and tell a webhook
when a new version is stored (:mod:`.notify`). HTTP lives in :mod:`.fetch`; what counts
as noise between two captures of a page in :mod:`.noise`."""
