"""Excerpts of the Envolve blinatumomab policy: initial and continued approval, exclusions.
Verbatim; see the package docstring."""


# Envolve style (blinatumomab policy): I. Initial Approval Criteria / A. (must meet all) / II. Continued
# Therapy, a referral section, a NOT authorized section and appendices.
ENVOLVE_BLINATUMOMAB = """\
Clinical Policy: Blinatumomab (Blincyto)
Reference Number: ERX.SPA.241
Effective Date: 09.01.18
Last Review Date: 08.18 Revision Log

See Important Reminder at the end of this policy for important regulatory and legal information.

Description
Blinatumomab (Blincyto®) is a bispecific CD19-directed CD3 T-cell engager that binds to CD19
(expressed on cells of B-lineage origin) and CD3 (expressed on T cells).

Policy/Criteria
Provider must submit documentation (such as office chart notes, lab results or other clinical\
 information)
supporting that member has met all approval criteria.

It is the policy of health plans affiliated with Envolve Pharmacy SolutionsTM that Blincyto is\
 medically
necessary when the following criteria are met:

I. Initial Approval Criteria
A. Acute Lymphoblastic Leukemia (must meet all):
1. Diagnosis of B-cell precursor acute lymphoblastic leukemia (B-ALL);
2. Prescribed by or in consultation with an oncologist or hematologist;
3. Requested as treatment for (a or b):
a. B-ALL in remission but positive for minimal residual disease (MRD+);
b. Relapsed or refractory B-ALL (i and ii):
i. Philadelphia chromosome-negative (Ph-) disease;
ii. Philadelphia chromosome-positive (Ph+) disease and intolerant or refractory to at
least one second-generation or later tyrosine kinase inhibitor (TKI; i.e., Sprycel®,
Tasigna®, Bosulif®, Iclusig®);
*Prior authorization is (or may be) required for these agents
4. Dose does not exceed 28 mcg/day.
Approval duration: 6 months

B. Other diagnoses/indications
1. Refer to ERX.PA.01 if diagnosis is NOT specifically listed under section III
(Diagnoses/Indications for which coverage is NOT authorized).

II. Continued Therapy
A. Acute Lymphoblastic Leukemia (must meet all):
1. Currently receiving medication via a health plan affiliated with Envolve Pharmacy Solutions,
or documentation supports that member is currently receiving Blincyto for a covered
indication and has received this medication for at least 30 days;
2. Member is responding positively to therapy;

3. If request is for a dose increase, new dose does not exceed 28 mcg/day.
Approval duration: 12 months

B. Other diagnoses/indications (must meet 1 or 2):
1. Currently receiving medication via a health plan affiliated with Envolve Pharmacy Solutions
and documentation supports positive response to therapy.
Approval duration: Duration of request or 6 months (whichever is less); or
2. Refer to ERX.PA.01 if diagnosis is NOT specifically listed under section III
(Diagnoses/Indications for which coverage is NOT authorized).

III. Diagnoses/Indications for which coverage is NOT authorized:
A. Non-FDA approved indications, which are not addressed in this policy, unless there is sufficient
documentation of efficacy and safety according to the off-label use policy – ERX.PA.01 or
evidence of coverage documents.

IV. Appendices/General Information
Appendix A: Abbreviation/Acronym Key
B-ALL: B-cell precursor acute lymphoblastic
leukemia
CR: complete remission
FDA: Food and Drug Administration
MRD+: positive minimal residual disease
TKI: tyrosine kinase inhibitor"""
