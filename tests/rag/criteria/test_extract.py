"""The criteria parser on verbatim policy text in each payer's convention: the whole tree (ops, n,
labels, stems, leaf texts and notes), every leaf an exact span of the text, the right pages.
Page breaks: test_extract_pages.py; documents without criteria and the policy's drugs:
test_extract_documents.py."""

from __future__ import annotations

import pytest

from rag.criteria.extract import extract_criteria
from rag.criteria.tree import Node, leaves
from tests.rag.criteria import policy_text as pt
from tests.rag.criteria.helpers import L, N, assert_exact_spans, between, shape, summary, tree_of

pytestmark = pytest.mark.unit


# ---------------------------------------------------------------- Cigna
def test_cigna_epidiolex_trees() -> None:
    text = pt.CIGNA_EPIDIOLEX
    policies = extract_criteria(text)
    assert summary(policies) == [("Epidiolex", "Dravet Syndrome", "initial", "1 year"),
                                 ("Epidiolex", "Dravet Syndrome", "continuation", "1 year")]
    assert_exact_spans(text, policies)
    note = between(text, "Note: Examples of other antiseizure", "zonisamide.")
    assert shape(policies[0].tree) == N(
        "all", "A", "Initial Therapy. Approve for 1 year if the patient meets the following (i, ii, and\niii):",
        L("i", "Patient is ≥ 1 year of age"),
        N("any", "ii", "Patient meets ONE of the following (a or b):",
          L("a", "Patient has tried or is concomitantly receiving at least two other\nantiseizure medications", note),
          L("b", "Patient has tried or is concomitantly receiving one of Fintepla, Diacomit\nor clobazam")),
        # "; AND" after b) closes the (a or b) list: iii is the third item of (i, ii, and iii)
        L("iii", "The medication is prescribed by or in consultation with a neurologist."))
    # "Patient is Currently Receiving Epidiolex. Approve for 1 year if ..." is itself the criterion
    assert shape(policies[1].tree) == N("all", None, None, L(
        "B", "Patient is Currently Receiving Epidiolex. Approve for 1 year if the patient is\nresponding to therapy "
             "(e.g., reduced seizure severity, frequency, and/or\nduration) as determined by the prescriber."))


def test_cigna_repeated_label_and_glued_labels() -> None:
    text = pt.CIGNA_ADALIMUMAB
    policies = extract_criteria(text)
    assert summary(policies) == [
        ("adalimumab", "Rheumatoid Arthritis", "initial", "6 months"),
        ("adalimumab", "Rheumatoid Arthritis", "continuation", "1 year"),
        ("adalimumab", "Ulcerative Colitis", "initial", "6 months"),
        ("adalimumab", "Ulcerative Colitis", "continuation", "1 year"),
    ]
    assert_exact_spans(text, policies)
    initial = "Initial Therapy. Approve for 6 months if the patient meets ALL of the following (i, ii,\nand iii):"
    # the policy prints i, ii, ii under "(i, ii, and iii)": three siblings, labels as printed
    assert shape(tree_of(policies, "Rheumatoid Arthritis", "initial")) == N(
        "all", "A", initial,
        L("i", "Patient is ≥ 18 years of age"),
        L("ii", "Patient has tried ONE conventional synthetic disease-modifying antirheumatic\n"
                "drug (DMARD) for at least 3 months",
          between(text, "Note: Examples include methotrexate", "conventional synthetic DMARD.")),
        L("ii", "The medication is prescribed by or in consultation with a rheumatologist."))
    # "(1)Patient": labels glued to their text, under "[(1) and (2)]"; "; AND" after (2) closes b)
    assert shape(tree_of(policies, "Ulcerative Colitis", "initial")) == N(
        "all", "A", initial,
        L("i", "Patient is ≥ 5 years of age"),
        N("any", "ii", "Patient meets ONE of the following (a or b):",
          L("a", "Patient has tried one systemic therapy",
            between(text, "Note: Examples include 6-mercaptopurine", "used for\nulcerative colitis.")),
          N("all", "b", "Patient meets BOTH of the following [(1) and (2)]:",
            L("(1)", "Patient has pouchitis"),
            L("(2)", "Patient has tried an antibiotic, probiotic, corticosteroid enema, or\nmesalamine enema",
              between(text, "Note: Examples of antibiotics", "hydrocortisone enema.")))),
        L("iii", "The medication is prescribed by or in consultation with a gastroenterologist."))
    established = between(text, "Note: A patient who has received < 6 months", "Therapy).")
    assert shape(tree_of(policies, "Rheumatoid Arthritis", "continuation")) == N(
        "all", "B", "Patient is Currently Receiving an Adalimumab Product. Approve for 1 year if the\npatient meets "
                    "BOTH of the following (i and ii):",
        L("i", "Patient has been established on therapy for at least 6 months", established),
        N("any", "ii", "Patient meets at least ONE of the following (a or b):",
          L("a", "Patient experienced a beneficial clinical response when assessed by at least\none objective measure",
            between(text, "Note: Examples of objective measures of disease activity", "(SDAI).")),
          L("b", "Patient experienced an improvement in at least one symptom, such as\ndecreased joint pain, morning "
                 "stiffness, or fatigue; improved function or\nactivities of daily living; or decreased soft tissue "
                 "swelling in joints or tendon\nsheaths.")))


# ---------------------------------------------------------------- UnitedHealthcare
_NOT_WITH_AD = "Patient is not receiving Dupixent in combination with either of the following:"


def test_uhc_dupixent_atopic_dermatitis() -> None:
    text = pt.UHC_DUPIXENT
    policies = extract_criteria(text)
    # "2. Coverage Criteriaa:" (a glued footnote letter) is neither an indication nor a tree
    assert summary(policies) == [("Dupixent", "Atopic Dermatitis", "initial", "12 months"),
                                 ("Dupixent", "Atopic Dermatitis", "continuation", "12 months")]
    assert_exact_spans(text, policies)
    assert shape(policies[0].tree) == N(
        "all", "a", "Dupixent will be approved based on all of the following criteria:",
        L("(1)", "Diagnosis of moderate-to-severe chronic atopic dermatitis"),
        N("at_least", "(2)", "History of failure, contraindication, or intolerance to two of the following\n"
                             "therapeutic classes of topical therapies (document drug, date of trial, and/ or\n"
                             "contraindication to medication)^:",
          L("(a)", "Medium,high, or very-high potency topical corticosteroid [e.g., Elocon\n(mometasone furoate), "
                   "Synalar (fluocinolone acetonide), Lidex\n(fluocinonide)]"),
          L("(b)", "Topical calcineurin inhibitor [e.g., Elidel (pimecrolimus), Protopic\n(tacrolimus)]."),  # ".*"
          L("(c)", "Eucrisa (crisaborole)"),  # footnote mark "*" dropped
          n=2),
        N("none", "(3)", _NOT_WITH_AD,
          L("(a)", "Biologic immunomodulator [e.g., Adbry (tralokinumab-ldrm)]"),
          L("(b)", "Janus kinase inhibitor [e.g., Rinvoq (upadacitinib), Xeljanz/XR (tofacitinib),\nOpzelura (topical "
                   "ruxolitinib), Cibinqo (abrocitinib)]")),
        N("any", "(4)", "Prescribed by one of the following:",
          L("(a)", "Dermatologist"), L("(b)", "Allergist"), L("(c)", "Immunologist")))
    assert shape(policies[1].tree) == N(
        "all", "a", "Dupixent will be approved based on all of the following criteria:",
        L("(1)", "Documentation of positive clinical response to Dupixent therapy"),
        N("none", "(2)", _NOT_WITH_AD,
          L("(a)", "Biologic immunomodulator [e.g., Adbry (tralokinumab-ldrm)]"),
          L("(b)", "Janus kinase inhibitor [e.g., Rinvoq (upadacitinib), Xeljanz/XR\n(tofacitinib), Opzelura (topical "
                   "ruxolitinib), Cibinqo (abrocitinib)]")),
        N("any", "(3)", "Prescribed by one of the following:",
          L("(a)", "Dermatologist"), L("(b)", "Allergist"), L("(c)", "Immunologist")))


def test_uhc_two_or_more_and_roman_lists_under_lettered_items() -> None:
    text = pt.UHC_DUPIXENT_CRSWNP
    policies = extract_criteria(text)
    assert summary(policies) == [("Dupixent", "Chronic Rhinosinusitis with Nasal Polyposis", "initial", "12 months")]
    assert_exact_spans(text, policies)
    one_of = "One of the following:"
    assert shape(policies[0].tree) == N(
        "all", "a", "Dupixent will be approved based on all of the following criteria:",
        N("all", "(1)", "Diagnosis of chronic rhinosinusitis with nasal polyposis (CRSwNP) defined by\n"
                        "all of the following:",
          N("at_least", "(a)", "Two or more of the following symptoms for longer than 12 weeks duration:",
            L("i", "Nasal mucopurulent discharge"), L("ii", "Nasal obstruction, blockage, or congestion"),
            L("iii", "Facial pain, pressure, and/or fullness"), L("iv", "Reduction or loss of sense of smell"),
            n=2),
          N("any", "(b)", "One of the following findings using nasal endoscopy and/or sinus computed\n"
                          "tomography (CT):",
            L("i", "Purulent mucus or edema in the middle meatus or ethmoid regions"),
            L("ii", "Polyps in the nasal cavity or the middle meatus"),
            L("iii", "Radiographic imaging demonstrating mucosal thickening or partial or\ncomplete opacification "
                     "of paranasal sinuses")),
          N("any", "(c)", one_of,
            L("i", "Presence of bilateral nasal polyposis"),
            L("ii", "Patient has previously required surgical removal of bilateral nasal\npolyps")),
          N("any", "(d)", one_of,
            L("i", "Patient has required prior sinus surgery"),
            L("ii", "Patient has required systemic corticosteroids (e.g., prednisone,\nmethylprednisolone) for "
                    "CRSwNP in the previous 2 years"),
            N("at_least", "iii", "Patient has been unable to obtain symptom relief after trial of two of\n"
                                 "the following classes of agents^:",
              L(None, "Nasal saline irrigations"),
              L(None, "Intranasal corticosteroids (e.g., fluticasone, mometasone,\ntriamcinolone)"),
              L(None, "Antileukotriene agents (e.g., montelukast, zafirlukast, zileuton)"),
              n=2))),
        L("(2)", "Patient will receive Dupixent as add-on maintenance therapy in combination with\nintranasal "
                 "corticosteroids (e.g., fluticasone, mometasone, triamcinolone)."),
        N("none", "(3)", "Patient is not receiving Dupixent in combination with any of the following:",
          L("(a)", "Anti-interleukin-5 therapy [e.g., Cinqair (resilizumab), Fasenra\n(benralizumab), Nucala "
                   "(mepolizumab)]"),
          L("(b)", "Anti-IgE therapy [e.g., Xolair (omalizumab)]"),
          L("(c)", "Thymic stromal lymphopoietin (TSLP) inhibitor [e.g., Tezspire\n(tezepelumab)]")),
        N("any", "(4)", "Prescribed by one of the following:",
          L("(a)", "Allergist"), L("(b)", "Immunologist"), L("(c)", "Otolaryngologist"), L("(d)", "Pulmonologist")))


def test_uhc_afinitor_population_parenthesised_and_dotted_romans_paragraph() -> None:
    text = pt.UHC_AFINITOR
    policies = extract_criteria(text)
    assert summary(policies) == [
        ("Afinitor", "Patients less than 19 years of age", "initial", "12 months"),
        ("Afinitor", "Neuroendocrine Tumors", "initial", "12 months"),
        ("Afinitor", "Neuroendocrine Tumors", "continuation", "12 months"),
        ("Afinitor", "Breast Cancer", "initial", "12 months"),
        ("Afinitor", "Breast Cancer", "continuation", "12 months"),
        ("Afinitor", "NCCN Recommended Regimens", "initial", "12 months"),
    ]
    assert_exact_spans(text, policies)
    one_of = "One of the following:"
    assert shape(policies[0].tree) == N("all", "1", "Afinitor will be approved based on the following criterion:",
                                        L("a", "Patient is less than 19 years of age"))
    assert shape(policies[1].tree) == N(
        "any", "a", "Afinitor will be approved based on One of the following criteria:",
        N("all", "(1)", "All of the following:",
          N("any", "(a)", "Diagnosis of one of the following:",
            L("(i)", "Neuroendocrine tumors of gastrointestinal origin"),
            L("(ii)", "Neuroendocrine tumors of lung origin"),
            L("(iii)", "Neuroendocrine tumors of thymic origin")),
          L("(b)", "Disease is progressive"),
          N("any", "(c)", one_of, L("(i)", "Disease is unresectable"), L("(ii)", "Disease is locally advanced"),
            L("(iii)", "Disease is metastatic"))),
        N("all", "(2)", "Both of the following:",
          L("(a)", "Diagnosis of neuroendocrine tumors of pancreatic origin"),
          N("any", "(b)", one_of,
            L("(i)", "Used for the management of recurrent, locoregional advanced disease\nand/or metastatic disease"),
            L("(ii)", "Used as preoperative therapy of locoregional insulinoma with or without\ndiazoxide"))))
    reauthorization = N("all", "a", "Afinitor will be approved based on the following criterion:", L(
        "(1)", "Patient does not show evidence of progressive disease while on Afinitor therapy"))
    assert shape(policies[2].tree) == reauthorization
    assert shape(policies[4].tree) == reauthorization
    assert shape(policies[3].tree) == N(
        "all", "a", "Afinitor will be approved based on all of the following criteria:",
        L("(1)", "Diagnosis of breast cancer"),
        N("any", "(2)", one_of, L("(a)", "Disease is recurrent"), L("(b)", "Disease is metastatic")),
        L("(3)", "Disease is hormone receptor (HR)-positive [i.e., estrogen-receptor-positive (ER+)\nor "
                 "progesterone-receptor-positive (PR+)]"),
        L("(4)", "Disease is human epidermal growth factor receptor 2 (HER2)-negative"),
        N("any", "(5)", one_of,
          L("(a)", "Patient is a postmenopausal woman"),
          N("all", "(b)", "Both of the following:",
            L("i", "Patient is a premenopausal woman"),
            L("ii", "Patient is being treated with ovarian ablation/suppression")),
          L("(c)", "Patient is male")),
        N("any", "(6)", "Used in combination with one of the following:",
          L("(a)", "Exemestane if progressed within 12 months or on a non-steroidal aromatase\ninhibitor [e.g., "
                   "Arimidex (anastrozole), Femara (letrozole)]"),
          L("(b)", "Fulvestrant"), L("(c)", "Tamoxifen")))
    # a heading, a paragraph, "Authorization will be issued for 12 months.": one unlabelled criterion
    # (the node's label and stem are not asserted: the parser gives "R" and the heading, the gold null)
    nccn = policies[5].tree
    assert (nccn.op, [shape(c) for c in nccn.children]) == ("all", [L(
        None, "The drug has been recognized for treatment of the cancer indication by The National\nComprehensive "
              "Cancer Network (NCCN) Drugs and Biologics Compendium with a Category\nof Evidence and Consensus of "
              "1, 2A, or 2B")])


def test_uhc_list_closed_by_a_separator_without_blank_line() -> None:
    text = pt.UHC_DUPIXENT_EOE
    policies = extract_criteria(text)
    assert summary(policies) == [("Dupixent", "Eosinophilic Esophagitis", "initial", "6 months")]
    assert_exact_spans(text, policies)
    tree = policies[0].tree
    assert [(c.op, c.label) if isinstance(c, Node) else c.label for c in tree.children] == [
        "(1)", "(2)", "(3)", "(4)", ("any", "(5)"), ("none", "(6)"), ("any", "(7)")]
    assert [leaf.text for leaf in leaves(tree)][-4:] == [
        "Anti-IgE therapy [e.g., Xolair (omalizumab)]",
        "Thymic stromal lymphopoietin (TSLP) inhibitor [e.g., Tezspire\n(tezepelumab)]",  # "-AND-" right after
        "Gastroenterologist", "Allergist"]


def test_uhc_stem_drops_a_glued_footnote_letter() -> None:
    (policy,) = extract_criteria(pt.UHC_DUPIXENT_EOE)
    five = policy.tree.children[4]
    assert isinstance(five, Node)
    assert five.stem == ("Mucosal eosinophilia is isolated to the esophagus and symptoms have persisted\n"
                         "after an 8-week trial of at least one of the following:")


def test_cigna_indication_wrapped_over_lines_is_whole() -> None:
    text = pt.CIGNA_EPIDIOLEX_OTHER_USES
    policies = extract_criteria(text)
    assert [p.line for p in policies] == ["initial", "continuation"]
    assert {p.indication for p in policies} == {
        "Treatment-Refractory Seizures/Epilepsy [specific rare conditions] (i.e., CDKL5 deficiency disorder; Dup15q, "
        "Aicardi, or Doose syndromes; febrile infection‐related epilepsy syndromes; Sturge‐Weber syndrome; "
        "lissencephaly; cortical malformation/dysplasia; and epilepsy with myoclonic absences)"}


# ---------------------------------------------------------------- Envolve
def test_envolve_blinatumomab_no_tree_for_referrals() -> None:
    text = pt.ENVOLVE_BLINATUMOMAB
    policies = extract_criteria(text)
    # "B. Other diagnoses/indications / 1. Refer to ERX.PA.01 ..." (twice) and section III give no tree
    assert summary(policies) == [("Blincyto", "Acute Lymphoblastic Leukemia", "initial", "6 months"),
                                 ("Blincyto", "Acute Lymphoblastic Leukemia", "continuation", "12 months")]
    assert_exact_spans(text, policies)
    assert not any(leaf.text.startswith("Refer to") for p in policies for leaf in leaves(p.tree))
    assert shape(policies[0].tree) == N(
        "all", "A", "Acute Lymphoblastic Leukemia (must meet all):",
        L("1", "Diagnosis of B-cell precursor acute lymphoblastic leukemia (B-ALL)"),
        L("2", "Prescribed by or in consultation with an oncologist or hematologist"),
        N("any", "3", "Requested as treatment for (a or b):",
          L("a", "B-ALL in remission but positive for minimal residual disease (MRD+)"),
          N("all", "b", "Relapsed or refractory B-ALL (i and ii):",  # the policy's own "(i and ii)"
            L("i", "Philadelphia chromosome-negative (Ph-) disease"),
            L("ii", "Philadelphia chromosome-positive (Ph+) disease and intolerant or refractory to at\nleast one "
                    "second-generation or later tyrosine kinase inhibitor (TKI; i.e., Sprycel®,\nTasigna®, Bosulif®, "
                    "Iclusig®)"))),
        L("4", "Dose does not exceed 28 mcg/day."))
    assert shape(policies[1].tree) == N(
        "all", "A", "Acute Lymphoblastic Leukemia (must meet all):",
        L("1", "Currently receiving medication via a health plan affiliated with Envolve Pharmacy Solutions,\nor "
               "documentation supports that member is currently receiving Blincyto for a covered\nindication and has "
               "received this medication for at least 30 days"),
        L("2", "Member is responding positively to therapy"),
        L("3", "If request is for a dose increase, new dose does not exceed 28 mcg/day."))


# An Aetna-style layout ("Criteria for Initial Approval" / "Continuation of Therapy" headings, an
# indication line above "Authorization of 12 months may be granted ... when all of the following
# criteria are met:"), filled with criteria copied verbatim from the UHC Afinitor policy.
AETNA_STYLE = """Criteria for Initial Approval

A. Breast Cancer
Authorization of 12 months may be granted for treatment of breast cancer when all of the following criteria are met:
1. Disease is human epidermal growth factor receptor 2 (HER2)-negative
2. Patient is a postmenopausal woman

B. Meningioma
Authorization of 12 months may be granted for treatment of meningioma when any of the following criteria are met:
1. Used in combination with bevacizumab (Avastin, Mvasi, etc.)
2. Used in combination with octreotide acetate LAR

Continuation of Therapy

A. Breast Cancer
Authorization of 12 months may be granted for continued treatment when the patient does not show evidence of \
progressive disease while on Afinitor therapy.
"""


def test_aetna_style_layout_with_section_headings() -> None:
    trees = extract_criteria(AETNA_STYLE)
    shape = [(t.indication, t.line, t.approval_duration, t.tree.op, [leaf.text for leaf in leaves(t.tree)])
             for t in trees]
    assert shape == [
        ("Breast Cancer", "initial", "12 months", "all",
         ["Disease is human epidermal growth factor receptor 2 (HER2)-negative", "Patient is a postmenopausal woman"]),
        ("Meningioma", "initial", "12 months", "any",
         ["Used in combination with bevacizumab (Avastin, Mvasi, etc.)",
          "Used in combination with octreotide acetate LAR"]),
        ("Breast Cancer", "continuation", "12 months", "all",
         ["Authorization of 12 months may be granted for continued treatment when the patient does not show "
          "evidence of progressive disease while on Afinitor therapy."]),
    ]
    for tree in trees:
        for leaf in leaves(tree.tree):
            assert AETNA_STYLE[leaf.char_start:leaf.char_end] == leaf.text
