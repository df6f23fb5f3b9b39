"""Excerpts of the Cigna policies (Epidiolex, adalimumab): criteria, headers, overviews.
Verbatim; see the package docstring."""


# Cigna style (Epidiolex policy): indication > A) initial / B) currently receiving; a Note under a); '; AND'
# after b) closing the enclosing list; a CONDITIONS NOT COVERED section after the criteria.
CIGNA_EPIDIOLEX = """\
PRIOR AUTHORIZATION POLICY

POLICY: Antiseizure Medications – Epidiolex Prior Authorization Policy
• Epidiolex® (cannabidiol oral solution – Greenwich Biosciences)

FDA-Approved Indications

1. Dravet Syndrome. Approve if the patient meets ONE of the following (A or B):
A) Initial Therapy. Approve for 1 year if the patient meets the following (i, ii, and
iii):
i. Patient is ≥ 1 year of age; AND
ii. Patient meets ONE of the following (a or b):
a) Patient has tried or is concomitantly receiving at least two other
antiseizure medications; OR
Note: Examples of other antiseizure medications include valproic acid,
topiramate, clonazepam, levetiracetam, zonisamide.
b) Patient has tried or is concomitantly receiving one of Fintepla, Diacomit
or clobazam; AND
iii. The medication is prescribed by or in consultation with a neurologist.
B) Patient is Currently Receiving Epidiolex. Approve for 1 year if the patient is
responding to therapy (e.g., reduced seizure severity, frequency, and/or
duration) as determined by the prescriber.

CONDITIONS NOT COVERED

• Epidiolex® (cannabidiol oral solution – Greenwich Biosciences)
is(are) considered experimental, investigational or unproven for ANY other
use(s); criteria will be updated as new published data are available."""


# Cigna style (adalimumab policy): labels i, ii, ii under '(i, ii, and iii)' (the source's slip) and glued
# '(1)Patient' labels under '[(1) and (2)]'.
CIGNA_ADALIMUMAB = """\
• Humira® (adalimumab subcutaneous injection – AbbVie, Cordavis)

7. Rheumatoid Arthritis. Approve for the duration noted if the patient meets ONE of the
following (A or B):
A) Initial Therapy. Approve for 6 months if the patient meets ALL of the following (i, ii,
and iii):
i. Patient is ≥ 18 years of age; AND
ii. Patient has tried ONE conventional synthetic disease-modifying antirheumatic
drug (DMARD) for at least 3 months; AND
Note: Examples include methotrexate (oral or injectable), leflunomide,
hydroxychloroquine, and sulfasalazine. An exception to the requirement for a trial
of one conventional synthetic DMARD can be made if the patient has already had
a 3-month trial with at least one biologic other than the requested medication. A
biosimilar of the requested biologic does not count. Refer to Appendix for
examples of biologics used for rheumatoid arthritis. A patient who has already
tried a biologic for rheumatoid arthritis is not required to “step back” and try a
conventional synthetic DMARD.
ii. The medication is prescribed by or in consultation with a rheumatologist.
B) Patient is Currently Receiving an Adalimumab Product. Approve for 1 year if the
patient meets BOTH of the following (i and ii):
i. Patient has been established on therapy for at least 6 months; AND
Note: A patient who has received < 6 months of therapy or who is restarting
therapy with an adalimumab product is reviewed under criterion A (Initial
Therapy).
ii. Patient meets at least ONE of the following (a or b):
a) Patient experienced a beneficial clinical response when assessed by at least
one objective measure; OR
Note: Examples of objective measures of disease activity include Clinical
Disease Activity Index (CDAI), Disease Activity Score (DAS) 28 using
erythrocyte sedimentation rate or C-reactive protein, Patient Activity Scale
(PAS)-II, Rapid Assessment of Patient Index Data 3 (RAPID-3), and/or
Simplified Disease Activity Index (SDAI).
b) Patient experienced an improvement in at least one symptom, such as
decreased joint pain, morning stiffness, or fatigue; improved function or
activities of daily living; or decreased soft tissue swelling in joints or tendon
sheaths.

8. Ulcerative Colitis. Approve for the duration noted if the patient meets ONE of the
following (A or B):
A) Initial Therapy. Approve for 6 months if the patient meets ALL of the following (i, ii,
and iii):
i. Patient is ≥ 5 years of age; AND
ii. Patient meets ONE of the following (a or b):
a) Patient has tried one systemic therapy; OR
Note: Examples include 6-mercaptopurine, azathioprine, cyclosporine,
tacrolimus, or a corticosteroid such as prednisone or methylprednisolone. A
trial of one biologic other than the requested medication also counts as a trial
of one systemic agent for ulcerative colitis. A biosimilar of the requested
biologic does not count. Refer to Appendix for examples of biologics used for
ulcerative colitis.
b) Patient meets BOTH of the following [(1) and (2)]:
(1)Patient has pouchitis; AND
(2)Patient has tried an antibiotic, probiotic, corticosteroid enema, or
mesalamine enema; AND

Note: Examples of antibiotics include metronidazole and ciprofloxacin.
Examples of corticosteroid enemas include hydrocortisone enema.
iii. The medication is prescribed by or in consultation with a gastroenterologist.
B) Patient is Currently Receiving an Adalimumab Product. Approve for 1 year if the
patient meets BOTH of the following (i and ii):
i. Patient has been established on therapy for at least 6 months; AND
Note: A patient who has received < 6 months of therapy or who is restarting
therapy with an adalimumab product is reviewed under criterion A (Initial
Therapy).
ii. Patient meets at least ONE of the following (a or b):
a) When assessed by at least one objective measure, patient experienced a
beneficial clinical response from baseline (prior to initiating an adalimumab
product); OR
Note: Examples of objective measures include fecal markers (e.g., fecal
calprotectin), serum markers (e.g., C-reactive protein), endoscopic
assessment, and/or reduced dose of corticosteroids.
b) Compared with baseline (prior to initiating an adalimumab product), patient
experienced an improvement in at least one symptom, such as decreased
pain, fatigue, stool frequency, and/or rectal bleeding."""


# A Cigna policy header and overview naming the comparators Diacomit and Fintepla (Epidiolex policy).
CIGNA_EPIDIOLEX_HEADER = """\
PRIOR AUTHORIZATION POLICY

POLICY: Antiseizure Medications – Epidiolex Prior Authorization Policy
• Epidiolex® (cannabidiol oral solution – Greenwich Biosciences)

OVERVIEW
Epidiolex, a cannabinoid, is indicated in patients ≥ 1 year of age for the treatment
of seizures associated with:1
• Dravet syndrome.
• Lennox-Gastaut syndrome.

Guidelines/Recommendations
Dravet Syndrome
At this time, there are three drugs approved for the treatment of seizures associated
with Dravet syndrome: Epidiolex, Diacomit® (stiripentol capsules, powder for oral
suspension), and Fintepla® (fenfluramine oral solution).1,11,17 An expert panel
considers valproic acid and clobazam to be the first-line treatment for Dravet"""


# Cigna style (Epidiolex policy): an indication wrapped over four lines before its approval statement.
CIGNA_EPIDIOLEX_OTHER_USES = """\
Other Uses with Supportive Evidence

4. Treatment-Refractory Seizures/Epilepsy [specific rare conditions] (i.e.,
CDKL5 deficiency disorder; Dup15q, Aicardi, or Doose syndromes; febrile
infection‐related epilepsy syndromes; Sturge‐Weber syndrome; lissencephaly;
cortical malformation/dysplasia; and epilepsy with myoclonic absences). Approve
if the patient meets ONE of the following (A or B):
A) Initial Therapy. Approve for 1 year if the patient meets the following (i, ii, and
iii):
i. Patient is ≥ 1 year of age; AND
ii. Patient has tried or is concomitantly receiving at least two other antiseizure
medications; AND
Note: Examples of other antiseizure medications include valproic acid,
lamotrigine, topiramate, clonazepam, levetiracetam, zonisamide, Banzel,
felbamate, clobazam, Fycompa, vigabatrin.
iii. The medication is prescribed by or in consultation with a neurologist.
B) Patient is Currently Receiving Epidiolex. Approve for 1 year if the patient is
responding to therapy (e.g., reduced seizure severity, frequency, and/or
duration) as determined by the prescriber."""


# A Cigna policy header naming one product, and an overview naming comparators (adalimumab policy).
CIGNA_HUMIRA_HEADER = """\
POLICY: Inflammatory Conditions – Adalimumab Products Prior Authorization
Policy
• Humira® (adalimumab subcutaneous injection – AbbVie, Cordavis)

OVERVIEW
Adalimumab products are tumor necrosis factor inhibitors (TNFis) approved for the following
the following agents can be used for induction of remission in moderately to severely
active disease: budesonide extended-release tablets, oral or intravenous systemic
corticosteroids, Entyvio® (vedolizumab intravenous infusion), Xeljanz®/XR (tofacitinib
tablets/extended-release tablets), or TNFis.9 Guidelines from the AGA (2020)"""


# The Cigna adalimumab policy header: Humira and its biosimilars (the mark after Amjevita is the private-use
# glyph U+F0D2, as the PDF's text layer gives it), then the overview.
CIGNA_ADALIMUMAB_HEADER = """\
PRIOR AUTHORIZATION POLICY

POLICY: Inflammatory Conditions – Adalimumab Products Prior Authorization
Policy
• AbriladaTM (adalimumab-afzb subcutaneous injection – Pfizer)
• adalimumab-aacf subcutaneous injection (Fresenius Kabi)
• adalimumab-adaz subcutaneous injection (Sandoz/Novartis)
• adalimumab-adbm subcutaneous injection (Boehringer Ingelheim)
• adalimumab-fkjp subcutaneous injection (Mylan)
• adalimumab-ryvk subcutaneous injection (Teva/Alvotech)
• Amjevita (adalimumab-atto subcutaneous injection – Amgen)
• Cyltezo® (adalimumab-adbm subcutaneous injection – Boehringer
Ingelheim)
• HadlimaTM (adalimumab-bwwd subcutaneous injection –
Organon/Samsung Bioepis)
• Hulio® (adalimumab-fkjp subcutaneous injection – Mylan)
• Humira® (adalimumab subcutaneous injection – AbbVie, Cordavis)
• Hyrimoz® (adalimumab-adaz subcutaneous injection –
Sandoz/Novartis, Cordavis)
• Idacio® (adalimumab-aacf subcutaneous injection – Fresenius Kabi)
• Simlandi® (adalimumab-ryvk subcutaneous injection –
Teva/Alvotech)
• Yuflyma® (adalimumab-aaty subcutaneous injection – Celltrion)
• YusimryTM (adalimuamb-aqvh subcutaneous injection – Coherus)

OVERVIEW
Adalimumab products are tumor necrosis factor inhibitors (TNFis) approved for the following
the following agents can be used for induction of remission in moderately to severely
active disease: budesonide extended-release tablets, oral or intravenous systemic
corticosteroids, Entyvio® (vedolizumab intravenous infusion), Xeljanz®/XR (tofacitinib
tablets/extended-release tablets), or TNFis.9 Guidelines from the AGA (2020)"""
