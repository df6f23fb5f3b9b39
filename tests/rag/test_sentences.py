"""Sentence splitting (rag.sentences), shared by chunking and the extractive answerer."""

from __future__ import annotations

import pytest

from rag.sentences import split_sentences

pytestmark = pytest.mark.unit

# Neutral filler sentences with abbreviations, initials, numbered references and decimals.
FILLER = [
    "Dr. Smith et al. proposed a shorter outline, i.e. fewer sections.",
    "The outline in Fig. 2 shows the order of the chapters.",
    "Version No. 5 replaced the older text.",
    "A revision of 1.5 pages was accepted with a margin of 0.2 cm.",
]


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_abbreviations_initials_and_decimals_do_not_end_sentences():
    assert sentences(" ".join(FILLER)) == FILLER


def test_sentences_from_the_corpus_with_symbols_stay_whole():
    corpus_sentences = [
        "Mean Hb rose significantly from 60.61 g/L pre-treatment to 96.21 g/L post-treatment "
        "(mean increase: 39.56 g/L).",
        "Hb levels exceeded 100 g/L in 9 patients.",
        "After two doses, if the transfusion burden reduction was <33% or Hb increase was <1 g/dL "
        "in non-transfused patients, the dose was escalated stepwise (1.25 mg/kg → 1.5 mg/kg → "
        "maximum 1.75 mg/kg).",
        "The overall response rate was 63.6% (14/22).",
    ]
    assert sentences(" ".join(corpus_sentences)) == corpus_sentences


def test_a_line_wrap_does_not_end_a_sentence_but_a_bullet_does():
    text = (
        "Luspatercept has been linked to a low rate of serum enzyme elevations during therapy, "
        "but has not been linked to\ncases of idiosyncratic, clinically apparent liver injury "
        "with jaundice.\n• Thromboembolic risk\n• Hypertension\n* Bone pain\n1. First-line: ESAs"
        "\n2. Second-line"
    )
    got = sentences(text)
    assert got[0].endswith("with jaundice.") and "\n" in got[0]
    assert got[1:] == ["• Thromboembolic risk", "• Hypertension", "* Bone pain",
                       "1. First-line: ESAs", "2. Second-line"]


def test_blank_lines_end_sentences_and_offsets_are_absolute():
    text = "Background\n\nPatients with anemia. Results follow"
    spans = split_sentences(text, offset=100)
    assert [text[s - 100 : e - 100] for s, e in spans] == [
        "Background", "Patients with anemia.", "Results follow"]


def test_units_end_sentences_but_initials_do_not():
    corpus_sentences = [
        "Currently, transfusion is the primary symptomatic treatment for anemia in this "
        "population.",
        "However, due to blood product shortages, transfusion criteria are stringent, typically "
        "reserved for chronic anemia with hemoglobin (Hb) levels below 60 g/L.",
        "Fenaux P, Platzbecker U, Mufti GJ, Garcia-Manero G, Buckstein R, Santini V, "
        "Díez-Campelo M, et al. Luspatercept in patients with lower-risk myelodysplastic "
        "syndromes.",
    ]
    assert sentences(" ".join(corpus_sentences)) == corpus_sentences


def test_no_before_a_word_ends_a_sentence():
    assert sentences("The answer is No. The request is denied.") == [
        "The answer is No.", "The request is denied."]


def test_numbered_list_markers_at_line_start_do_not_end_sentences():
    text = "Intro text.\n1. First-line: ESAs if low.\n2. Second-line: luspatercept."
    assert sentences(text) == [
        "Intro text.", "1. First-line: ESAs if low.", "2. Second-line: luspatercept."]


def test_numbered_list_markers_opening_a_sentence_do_not_end_it():
    text = "Intro text. 1. First-line: ESAs if low. 2. Second-line: luspatercept."
    assert sentences(text) == [
        "Intro text.", "1. First-line: ESAs if low.", "2. Second-line: luspatercept."]


def test_bullet_lines_start_sentences():
    text = "Risks:\n• Thromboembolism.\n· Hypertension\n- Bone pain\n– Fatigue\na) Dizziness"
    assert sentences(text) == [
        "Risks:", "• Thromboembolism.", "· Hypertension", "- Bone pain", "– Fatigue",
        "a) Dizziness"]


def test_a_unit_before_a_capital_ends_a_sentence():
    assert sentences("Hb was below 60 g/L. Luspatercept was started.") == [
        "Hb was below 60 g/L.", "Luspatercept was started."]
    assert sentences("Give ESAs if Hb ≤11 g/dL. If there is no response, stop.") == [
        "Give ESAs if Hb ≤11 g/dL.", "If there is no response, stop."]
    assert sentences("The dose was 1.75 mg/kg. Doses were given every 3 weeks.") == [
        "The dose was 1.75 mg/kg.", "Doses were given every 3 weeks."]
