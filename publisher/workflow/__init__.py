"""The use cases: create and sync releases, draft, review and decide, exchange files with
translators, embargoes, photos, repairs (fsck), a release's QA findings and status.

Every change to a release goes through `session.changing()`: under the release's lock, an
interrupted change finished first, validated before anything is written, written with its
history lines as one journal change (core/journal.py). Reads that decide nothing live in
core, where every tier may use them: a catalog with the approvals its history backs
(core/approvals.py), the boilerplate (core/boilerplate.py), releases and the workspace.
So the CLI and the web review change releases only through these functions but read
them through core too; the publishing tier asks this one only for QA findings
(`checking`), approval evidence (`evidence`), status (`status`) and the clock of
embargoes (`embargo`). This tier uses the adapters (sources, interchange, mt, qa, render)
and core.
"""
