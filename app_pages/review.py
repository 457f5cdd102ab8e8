"""Review: the facts the classifier was least sure of, to check against their sentence, and the
log of every correction (who, when, why) with undo."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages.access import audit, user
from app_pages.common import clear_caches, database, driver, guard, md
from graph import curation
from graph.documents import facts_to_review


def _act(fact: dict[str, Any], action: str) -> None:
    ref = curation.fact_ref(
        fact["type"], fact["source_id"], fact["source"], fact["target_id"], fact["target"]
    )
    note = st.session_state.get("review_note", "")
    record = curation.curate_ref(driver(), database(), action, ref, note, who=user().name)
    audit(user(), action, {"correction": record["id"], "fact": record["fact_key"]})
    clear_caches()
    st.rerun()


def _facts() -> None:
    st.subheader("Facts to check")
    left, right = st.columns([2, 3])
    limit = left.slider("Confidence below", 0.0, 1.0, 0.5, 0.05, key="review_max")
    right.text_input("Note for the corrections below (why)", key="review_note")
    facts = facts_to_review(driver(), database(), max_confidence=limit, limit=50)
    if not facts:
        st.info("No unconfirmed fact below this confidence.")
    for i, fact in enumerate(facts):
        with st.container(border=True):
            st.markdown(
                f"**{md(fact['source'])}** {fact['type']} **{md(fact['target'])}** · confidence "
                f"{fact['confidence']:.2f} · {fact['evidence_count']} sentence(s)"
            )
            st.caption(fact["sentence"] or "")
            a, b, c = st.columns(3)
            if a.button("Reject", key=f"review-reject-{i}"):
                _act(fact, "reject")
            if b.button("Confirm", key=f"review-confirm-{i}"):
                _act(fact, "confirm")
            c.page_link("app_pages/read.py", label="Read the article",
                        query_params={"article": fact["article"]})  # fmt: skip


def _log() -> None:
    st.subheader("Corrections")
    records = curation.list_curations(driver(), database())
    if not records:
        st.caption("No correction yet.")
    for r in records:
        state = f"undone {r['undone_at']}" if r.get("undone_at") else "active"
        cols = st.columns([5, 1])
        cols[0].markdown(
            f"`{r['id']}` {r['when']} · **{md(r['who'])}** {r['action']}: "
            f"{md(r.get('what') or ' '.join((r['source'], r['type'], r['target'])))} · {state}"
            + (f"  \n_{md(r['why'])}_" if r.get("why") else "")
        )
        if not r.get("undone_at") and cols[1].button("Undo", key=f"undo-{r['id']}"):
            curation.undo(driver(), database(), r["id"], who=user().name)
            audit(user(), "undo", {"correction": r["id"]})
            clear_caches()
            st.rerun()


with guard():
    st.title("Review")
    if not user().may("curate"):
        st.error(f"The Review page needs the editor role ({user().name} is a {user().role}).")
        st.stop()
    _facts()
    _log()
