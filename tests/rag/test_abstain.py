"""Abstention from evidence: a question's specific terms must be spoken of by its best passages.

The rule is tested on hand-built evidence (the figures on real questions come from
`guideqa eval` on the gold set and on evals/gold/calibration.jsonl)."""

from __future__ import annotations

import pytest

from rag.abstention.rules import (
    _abbreviations_plural,
    _acronym,
    _Forms,
    _long_acronyms,
    _spelt_out,
    _titled_terms,
    as_written,
    assess,
    content_terms,
    counted_unknown,
    gives_a_dose,
    missing_focus,
    undosed_drug,
)
from rag.index import Snapshot
from rag.lexical import LexicalIndex, tokenize
from rag.manifest import ManifestData
from rag.retrieve import Retrieval, Retrieved
from rag.types import Chunk
from rag.vocabulary import common_words

pytestmark = pytest.mark.unit

# Sentences from corpus/luspatercept-drug-information.md and the review (verbatim)
PASSAGES = [
    "The initial dose is generally 1 mg/kg every three weeks.",
    "Luspatercept is administered subcutaneously (under the skin).",
    "Luspatercept is used to treat anemia in adults with beta-thalassemia who require regular red blood cell "
    "transfusions.",
]
ELSEWHERE = "Patients with an SF3B1 mutation and ring sideroblasts responded; ask your oncologist."


def retrieval(question: str, passages: list[str], corpus: list[str] | None = None,
              title: str = "Luspatercept") -> Retrieval:
    chunks = [Chunk(chunk_id=f"c{i}", doc_id="d", text=t, title=title, char_start=0, char_end=len(t),
                    ordinal=i) for i, t in enumerate(passages)]
    every = chunks + [Chunk(chunk_id=f"x{i}", doc_id="e", text=t, title="Other", char_start=0, char_end=len(t),
                            ordinal=i) for i, t in enumerate(corpus or [])]
    lexical = LexicalIndex()
    lexical.replace_documents([], every)
    lexical.rebuild("v1")
    snapshot = Snapshot(ManifestData(), lexical, frozenset(c.chunk_id for c in every))
    hits = [Retrieved(c, 1.0, 0.5, 1.0) for c in chunks]
    return Retrieval(question, question, hits, snapshot, tokenize(question))


def test_common_words_come_from_the_packaged_vocabulary():
    words = common_words()
    assert {"price", "tried", "half", "disease"} <= words
    assert not {"zidovudine", "myelofibrosis", "luspatercept"} & words


def test_two_specific_terms_missing_from_the_evidence_decline_it():
    question = "Is luspatercept given to HIV patients taking zidovudine?"
    assert set(missing_focus(retrieval(question, PASSAGES))) == {"hiv", "zidovudine"}


def test_one_unknown_term_declines_only_when_the_evidence_covers_little_else():
    covered = "What is the initial dose of luspatercept every three weeks for beta-thalassemia per EMA?"
    assert missing_focus(retrieval(covered, PASSAGES)) == []  # the rest is answered by one passage
    # the rest is what the corpus says elsewhere (verbatim, the medical-necessity answer), not here
    elsewhere = ["The patient's presentation requires careful risk stratification to determine the appropriate "
                 "treatment sequence:"]
    uncovered = "Does the EMA require a careful treatment sequence before luspatercept?"
    assert missing_focus(retrieval(uncovered, PASSAGES, corpus=elsewhere)) == ["ema"]


def test_a_name_in_title_case_the_corpus_never_uses_declines_however_much_else_is_covered():
    covered = "What is the initial dose of luspatercept every three weeks for beta-thalassemia in Aetna plans?"
    assert missing_focus(retrieval(covered, PASSAGES)) == ["aetna"]  # a payer the corpus has no policy of


def test_a_missing_term_is_shown_as_the_question_spells_it():
    question = "Does Aetna cover luspatercept for HIV patients?"
    assert [as_written(question, t) for t in ("aetna", "hiv", "antibody")] == ["Aetna", "HIV", "antibody"]


def test_a_name_in_the_case_a_vignette_describes_is_not_what_it_asks_about():
    case = "Vignette: seen at Ridgeview. What is the initial dose of luspatercept every three weeks?"
    assert missing_focus(retrieval(case, PASSAGES)) == []  # 'ridgeview' is unknown, but in the case
    physician = "Vignette: seen by Dr Lee. What is the initial dose of luspatercept every three weeks?"
    assert missing_focus(retrieval(physician, PASSAGES)) == []  # short capitalised words of the case
    asked = "Vignette: 62, beta-thalassemia. What is the initial dose of luspatercept every three weeks at Aetna?"
    assert missing_focus(retrieval(asked, PASSAGES)) == ["aetna"]


def test_title_case_names_are_alphabetic_words_that_do_not_open_a_sentence():
    question = "PA request: Does Aetna cover it for IDH2 or EMA patients? Anthem does. Ask Cigna-Medicare"
    assert _titled_terms(question) == {"aetna", "cigna", "medicare"}
    assert _titled_terms("Under UnitedHealthcare's policy, is it covered?") == {"unitedhealthcare"}  # camel case
    assert _titled_terms("The Rx and Dx say Cigna") == {"cigna"}  # two-letter shorthand is no name


@pytest.mark.parametrize(("term", "evidence", "addressed"), [
    ("mutated", "mutation", True),  # one Snowball stem
    ("dosing", "dose", True),
    ("transfused", "transfusion", True),  # the same first seven letters
    ("medicaid", "medical", False),  # six letters in common are not enough
    ("anthem", "anemia", False),
])
def test_another_form_of_a_word_counts_as_the_word(term, evidence, addressed):
    assert _Forms.of({evidence}).addressed(term) is addressed


def test_medicaid_is_missing_from_evidence_on_medical_necessity():
    # verbatim from corpus/luspatercept-mds-medical-necessity-answer.txt
    passages = [*PASSAGES, "The provider's plan to proceed with azacitidine followed by bone marrow transplant "
                "is medically sound and represents standard of care:"]
    question = "Does Texas Medicaid approve luspatercept for beta-thalassemia?"
    assert "medicaid" in missing_focus(retrieval(question, passages))


def test_a_term_the_corpus_knows_elsewhere_is_not_enough_alone():
    question = "Does luspatercept work in ring sideroblast disease?"  # 'sideroblast' is in another passage
    assert missing_focus(retrieval(question, PASSAGES, corpus=[ELSEWHERE])) == []


def test_a_form_of_a_word_the_evidence_has_is_not_missing():
    question = "Is luspatercept for SF3B1 mutated patients?"
    found = retrieval(question, [*PASSAGES, ELSEWHERE])
    assert "mutated" not in missing_focus(found)  # 'mutation' is in the evidence


def test_what_a_cost_question_asks_for_counts_though_it_is_a_common_word():
    question = "What is the list price of luspatercept?"
    assert missing_focus(retrieval(question, PASSAGES)) == ["price"]


def test_words_of_the_request_framing_are_not_its_focus():
    question = "PA vignette: what is the initial dose of luspatercept?"
    # (no one passage covers the rest of the question, so a rare term alone would be declined)
    assert missing_focus(retrieval(question, PASSAGES), min_coverage=1.0) == []


def test_terms_the_corpus_has_count_only_when_the_whole_window_was_retrieved():
    question = "Is luspatercept given before azacitidine or decitabine?"
    few = retrieval(question, PASSAGES[:2], corpus=["Azacitidine or decitabine in higher-risk disease."])
    assert missing_focus(few, k=10) == []  # two passages retrieved (--top-k 2): not enough to say
    assert set(missing_focus(few, k=2)) == {"azacitidine", "decitabine"}


@pytest.mark.parametrize(("question", "asked"), [
    ("How long after an injection does luspatercept reach its peak level?", "peak"),
    ("Does luspatercept interact with warfarin?", "interact"),
    ("What share of patients develop antibodies against luspatercept?", "antibody"),
])
def test_a_pharmacokinetic_property_asked_for_counts_like_a_price(question, asked):
    assert asked in missing_focus(retrieval(question, PASSAGES))


def test_a_property_the_evidence_speaks_of_is_not_missing():
    # verbatim from corpus/luspatercept-drug-information.md
    passages = [*PASSAGES, "**Drug interactions:** While specific interactions are not extensively documented, "
                "informing your doctor about all other medications being taken is crucial."]
    question = "Does luspatercept interact with other medications?"
    assert missing_focus(retrieval(question, passages)) == []


# verbatim from corpus/luspatercept-mds-medical-necessity-answer.txt: azacitidine, never its dose
AZACITIDINE = [
    "Azacitidine is the standard of care for higher-risk MDS patients not immediately eligible for transplant",
    "The provider's plan to proceed with azacitidine followed by bone marrow transplant is medically sound "
    "and represents standard of care:",
]


def test_a_dose_the_evidence_never_gives_for_the_drug_asked_about_declines_it():
    question = "What dose of azacitidine is given before a transplant?"
    found = retrieval(question, [*PASSAGES, *AZACITIDINE], title="Treatment of MDS")
    assert undosed_drug(found, k=len(found.hits)) == "azacitidine"


def test_a_dose_under_the_drugs_heading_or_in_its_sentence_answers_a_dosing_question():
    question = "What is the initial dose of luspatercept?"
    # 'The initial dose is generally 1 mg/kg ...' sits under the heading 'Luspatercept'
    under_heading = retrieval(question, PASSAGES)
    assert undosed_drug(under_heading, k=len(under_heading.hits)) is None
    # under another heading, no sentence gives luspatercept's dose
    elsewhere = retrieval(question, PASSAGES, title="Treatment of MDS")
    assert undosed_drug(elsewhere, k=len(elsewhere.hits)) == "luspatercept"
    # ... unless one names it with an amount: verbatim from the off-label abstract
    named = ("Based on the Luspatercept prescribing information and guidelines, treatment was initiated at "
             "1 mg/kg subcutaneously every 3 weeks.")
    dosed = retrieval(question, [*PASSAGES, named], title="Treatment of MDS")
    assert undosed_drug(dosed, k=len(dosed.hits)) is None


def test_the_dose_rule_needs_a_dosing_question_and_the_full_window():
    found = retrieval("Is azacitidine given before a transplant?", [*PASSAGES, *AZACITIDINE], title="MDS")
    assert undosed_drug(found, k=len(found.hits)) is None  # not a dosing question
    case = retrieval("Vignette: on azacitidine at a standard dose. Is a transplant planned next?",
                     [*PASSAGES, *AZACITIDINE], title="MDS")
    assert undosed_drug(case, k=len(case.hits)) is None  # the case mentions a dose; the question does not ask it
    regimen = retrieval("What did early low-dose lenalidomide do to time to transfusion dependence?",
                        [*PASSAGES, LOW_DOSE], title="MDS")
    assert undosed_drug(regimen, k=len(regimen.hits)) is None  # 'low-dose' names a regimen: no dose asked
    dosing = retrieval("What dose of azacitidine is given before a transplant?", AZACITIDINE, title="MDS")
    assert undosed_drug(dosing, k=10) is None  # two passages retrieved: not enough to say


# verbatim from corpus/relapsed-refractory-lower-risk-mds-review.txt (line breaks joined) and the assessment
IMERGE = ("In IMerge phase 3 (IPSS low/intermediate-1; R/R to ESA or ESA-ineligible with EPO >500 mU/mL; TD >4 "
          "RBC units/8 weeks; non-del(5q); no prior lenalidomide or HMAs), imetelstat 7.5 mg/kg IV every 4 weeks "
          "significantly increased RBC-TI rates versus placebo")
LOW_DOSE = ("Early low-dose lenalidomide in anemic non-transfusion-dependent disease it was recently shown to "
            "prolong time to transfusion dependence")
ESA_FIRST = "First-line: ESAs (epoetin alfa ± G-CSF) if serum EPO <500 mU/mL and no del(5q)"


@pytest.mark.parametrize(("sentence", "drug", "dosed"), [
    (IMERGE, ("imetelstat",), True),
    (IMERGE, ("lenalidomide",), False),  # the amount belongs to the drug named nearest to it
    (LOW_DOSE, ("lenalidomide",), False),  # 'low-dose' names a regimen, not a dose
    (ESA_FIRST, ("epoetin", "alfa"), False),  # a concentration of EPO is no dose
    ("Luspatercept is administered subcutaneously (under the skin).", ("luspatercept",), False),
])
def test_a_sentence_gives_a_dose_of_the_drug_named_nearest_to_it(sentence, drug, dosed):
    assert gives_a_dose(tokenize(sentence), [drug], under_heading=False) is dosed


def test_a_sentence_naming_no_drug_gives_the_dose_of_its_headings_drug():
    words = tokenize("The initial dose is generally 1 mg/kg every three weeks.")
    assert gives_a_dose(words, [("luspatercept",)], under_heading=True)
    assert not gives_a_dose(words, [("luspatercept",)], under_heading=False)


def test_amounts_written_as_one_word_are_no_content_terms():
    # a label writes "200 mg" where a question writes "200mg": no subject the corpus lacks
    terms = ["loading", "dose", "200mg", "250ml", "2.5", "sf3b1", "5q", "q3wk", "q8w", "q12h", "3u"]
    assert content_terms(terms) == ["loading", "dose", "sf3b1", "5q"]  # nor dosing intervals in shorthand


def test_a_word_cut_short_in_lower_case_is_the_word_the_evidence_has():
    # users write "thal" and "lusp"; the evidence says "beta-thalassemia" and "Luspatercept"
    question = "How often did pts on lusp with beta thal get their dose every three weeks?"
    # (no one passage covers the rest of the question, so a rare term alone would be declined)
    assert missing_focus(retrieval(question, PASSAGES), min_coverage=1.0) == []
    # in Title case it is a name, not a clipping: "Medi" is not "medical"
    assert {"medi", "zidovudine"} <= set(missing_focus(retrieval("Does Medi-Cal pay for zidovudine?", PASSAGES)))


def test_an_acronym_is_spoken_of_where_the_evidence_spells_it_out():
    # verbatim, corpus/luspatercept-livertox-hepatotoxicity.txt
    evidence = ["(Summary of the review of luspatercept efficacy and safety supporting the European Medicines "
                "Agency’s approval of luspatercept)."]
    assert _spelt_out("ema", [tokenize(evidence[0])]) and not _spelt_out("ama", [tokenize(evidence[0])])
    assert "ema" not in missing_focus(retrieval("Did the EMA review zidovudine with luspatercept?", evidence))
    assert "ema" in missing_focus(retrieval("Did the EMA review zidovudine with luspatercept?", PASSAGES))
    assert not _acronym("Is ema a word?", "ema") and _acronym("Per the EMA?", "ema")


def test_an_abbreviations_plural_is_its_singular():
    # verbatim, corpus/luspatercept-drug-information.md
    evidence = ["Its primary use is in adults with beta-thalassemia who require regular red blood cell (RBC) "
                "transfusions."]
    assert missing_focus(retrieval("How many RBCs and ZDVs per transfusion?", evidence)) == ["zdvs"]  # "RBC" is there
    assert _abbreviations_plural("Is it for AIDS? Or RBCs, ESAs?", "rbcs") and \
        _abbreviations_plural("Or ESAs?", "esas")
    assert not _abbreviations_plural("Is it for AIDS or aids?", "aids")  # a word, not a plural


def test_an_unknown_term_the_rest_of_the_question_cannot_be_covered_by_does_not_weigh():
    # 'scared', 'worried', 'sick' are in no passage and the corpus never uses them: only what the
    # corpus knows of the rest (luspatercept, red blood cell transfusions) is asked of the best passage
    question = "She is scared and worried sick: will luspatercept cut down her red blood cell transfusions, per NEJM?"
    # (no one passage covers the rest of the question, so a rare term alone would be declined)
    assert missing_focus(retrieval(question, PASSAGES), min_coverage=1.0) == []


def test_a_long_word_in_upper_case_the_corpus_never_uses_is_a_name():
    assert _long_acronyms("Does TRICARE cover it? Or CIGNA, per EMA and IDH2?") == {"tricare", "cigna"}
    covered = "Does TRICARE cover luspatercept for beta-thalassemia patients who require regular transfusions?"
    assert missing_focus(retrieval(covered, PASSAGES)) == ["tricare"]


def test_the_coverage_rule_does_not_count_shorthand_the_corpus_lacks():
    assert counted_unknown(["pt", "y", "o", "cva", "txn", "zidovudine", "pronounce"]) == ["zidovudine", "pronounce"]
    shorthand = "82 y/o pt w/ beta-thalassemia, txn q3wk: is luspatercept administered subcutaneously?"
    evidence = assess(retrieval(shorthand, PASSAGES))
    assert evidence.coverage >= 0.6 and "txn" in evidence.unknown_terms


# Verbatim, corpus/luspatercept-drug-information.md
BREASTFEEDING = ("Effective contraception is required for women of reproductive potential during treatment and "
                 "for at least three months afterward. Breastfeeding is not recommended during treatment or for "
                 "three months after the final dose.")


def with_relevance(r: Retrieval, relevance: float | None) -> Retrieval:
    """`r` with the cross-encoder's score on its best passage."""
    best = r.hits[0]
    r.hits[0] = Retrieved(best.chunk, best.score, best.dense, best.lexical, relevance)
    return r


def test_a_passage_the_reranker_vouches_for_outweighs_words_the_corpus_lacks():
    question = "Can a woman breastfeed while on luspatercept?"  # the corpus: "women", "Breastfeeding"
    evidence = [BREASTFEEDING, *PASSAGES]
    unvouched = assess(with_relevance(retrieval(question, evidence), 0.5), 0.2, 0.6, vouched_relevance=1.0)
    assert not unvouched.sufficient and "appear nowhere" in unvouched.reason  # 2 of 3 terms unknown
    assert assess(with_relevance(retrieval(question, evidence), 3.8), 0.2, 0.6, vouched_relevance=1.0).sufficient
    # no reranker score, or vouching off: the coverage rule stands
    assert not assess(with_relevance(retrieval(question, evidence), None), 0.2, 0.6, vouched_relevance=1.0).sufficient
    assert not assess(with_relevance(retrieval(question, evidence), 3.8), 0.2, 0.6, vouched_relevance=None).sufficient


def test_a_vouched_passage_still_has_to_speak_of_the_questions_focus():
    # words the corpus lacks and a payer it never names: vouching lifts only the coverage rule
    question = "Does Humana's formulary tier luspatercept for women who breastfeed?"
    evidence = [BREASTFEEDING, *PASSAGES]
    got = assess(with_relevance(retrieval(question, evidence), 5.0), 0.2, 0.6, vouched_relevance=1.0)
    assert not got.sufficient and "humana" in got.missing_focus


def test_a_vignettes_case_told_in_everyday_words_does_not_sink_what_it_asks():
    # the case's words are nowhere in the corpus; what it asks is in the corpus's words
    question = ("my pt says the room spins on her sometimes, her belly hurts and she cannot sleep. "
                "is breastfeeding recommended during treatment with luspatercept?")
    evidence = [BREASTFEEDING, *PASSAGES]
    got = assess(retrieval(question, evidence), 0.2, 0.6)
    assert got.sufficient, got.reason
    # the same words in what it asks: declined
    asked = "does luspatercept make the room spin and the belly hurt, my pt says?"
    assert not assess(retrieval(asked, evidence), 0.2, 0.6).sufficient


def test_a_plural_fold_of_a_common_word_is_no_rare_term():
    # "series" is tokenised "sery", which is no vocabulary word but is common English
    question = "In the case series, is luspatercept administered subcutaneously every three weeks?"
    assert "sery" in tokenize(question)
    # (no one passage covers the rest of the question, so a rare term alone would be declined)
    assert missing_focus(retrieval(question, PASSAGES), min_coverage=1.0) == []


@pytest.mark.parametrize(("env", "expected"), [("off", None), ("", None), ("2.5", 2.5)])
def test_vouching_is_set_or_turned_off_from_the_environment(monkeypatch, env, expected):
    from rag.settings import RetrievalSettings

    monkeypatch.setenv("GUIDEQA_ABSTAIN_VOUCH_RELEVANCE", env)
    assert RetrievalSettings().abstain_vouch_relevance == expected
    assert RetrievalSettings(abstain_vouch_relevance=None).abstain_vouch_relevance is None
