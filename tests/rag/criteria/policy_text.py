"""Verbatim excerpts of the real payer policies and documents, as `ingest.normalize.normalize_pages`
gives them: the fixtures of the criteria parser's tests. Every line is copied from the normalised
text of a document in the project's PDF set (long lines are continued with a backslash only to keep
this file's lines short; the strings hold them whole). Structure the excerpts lack (a running page
header, a table of contents, numbering of recommendations) is built in the tests from neutral text
or from these pieces.
"""


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

# The head of the UnitedHealthcare Dupixent policy: program table, background, the coverage criteria heading.
UHC_DUPIXENT_HEAD = """\
UnitedHealthcare Pharmacy
Clinical Pharmacy Programs

Program Number 2024 P 2116-18
Program Prior Authorization/Medical Necessity
Medications Dupixent® (dupilumab)
P&T Approval Date 1/2017, 5/2017, 7/2017, 7/2018, 12/2018, 4/2019, 10/2019, 4/2020,
5/2020, 6/2020, 6/2021, 12/2021, 2/2022, 7/2022, 11/2022, 3/2023,
7/2023, 3/2024
Effective Date 6/1/2024

1. Background:
Dupixent® (dupilumab) is an interleukin-4 receptor alpha antagonist indicated for treatment of
patients aged 6 months and older with moderate-to-severe atopic dermatitis whose disease is
not adequately controlled with topical prescription therapies or when those therapies are not
advisable. Dupixent can be used with or without topical corticosteroids. Dupixent is also
indicated as an add-on maintenance treatment in patients with moderate-to-severe asthma aged
6 years and older with an eosinophilic phenotype or with oral corticosteroid dependent asthma,
as an add-on maintenance treatment in adult patients with inadequately controlled chronic
rhinosinusitis with nasal polyposis (CRSwNP), for the treatment of adult and pediatric patients
aged 1 year and older, weighing at least 15 kg, with eosinophilic esophagitis (EoE), and for
adult patients with prurigo nodularis (PN).

Limitation of Use:
Dupixent is not for the relief of acute bronchospasm or status asthmaticus.
2. Coverage Criteriaa:
"""

# UnitedHealthcare style (Dupixent policy): header, background, '2. Coverage Criteriaa:' with a glued footnote
# letter, atopic dermatitis initial and reauthorization.
UHC_DUPIXENT = UHC_DUPIXENT_HEAD + """\
A. Atopic Dermatitis

1. Initial Authorization

a. Dupixent will be approved based on all of the following criteria:

(1) Diagnosis of moderate-to-severe chronic atopic dermatitis

-AND-

(2) History of failure, contraindication, or intolerance to two of the following
therapeutic classes of topical therapies (document drug, date of trial, and/ or
contraindication to medication)^:

(a) Medium,high, or very-high potency topical corticosteroid [e.g., Elocon
(mometasone furoate), Synalar (fluocinolone acetonide), Lidex
(fluocinonide)]
(b) Topical calcineurin inhibitor [e.g., Elidel (pimecrolimus), Protopic
(tacrolimus)].*
(c) Eucrisa (crisaborole)*

-AND-

(3) Patient is not receiving Dupixent in combination with either of the following:

(a) Biologic immunomodulator [e.g., Adbry (tralokinumab-ldrm)]
(b) Janus kinase inhibitor [e.g., Rinvoq (upadacitinib), Xeljanz/XR (tofacitinib),
Opzelura (topical ruxolitinib), Cibinqo (abrocitinib)]

-AND-

(4) Prescribed by one of the following:

(a) Dermatologist
(b) Allergist
(c) Immunologist

Authorization will be issued for 12 months.

2. Reauthorization

a. Dupixent will be approved based on all of the following criteria:

(1) Documentation of positive clinical response to Dupixent therapy

-AND-

(2) Patient is not receiving Dupixent in combination with either of the following:

(a) Biologic immunomodulator [e.g., Adbry (tralokinumab-ldrm)]
(b) Janus kinase inhibitor [e.g., Rinvoq (upadacitinib), Xeljanz/XR
(tofacitinib), Opzelura (topical ruxolitinib), Cibinqo (abrocitinib)]

-AND-

(3) Prescribed by one of the following:

(a) Dermatologist
(b) Allergist
(c) Immunologist

Authorization will be issued for 12 months."""

# UnitedHealthcare style (Dupixent policy): header and background, then 'Two or more of the following symptoms'
# and i. lists under (a)-(d), bullets under a roman item.
UHC_DUPIXENT_CRSWNP = UHC_DUPIXENT_HEAD + """\
C. Chronic Rhinosinusitis with Nasal Polyposis

1. Initial Authorization

a. Dupixent will be approved based on all of the following criteria:

(1) Diagnosis of chronic rhinosinusitis with nasal polyposis (CRSwNP) defined by
all of the following:

(a) Two or more of the following symptoms for longer than 12 weeks duration:

i. Nasal mucopurulent discharge
ii. Nasal obstruction, blockage, or congestion
iii. Facial pain, pressure, and/or fullness
iv. Reduction or loss of sense of smell

-AND-

(b) One of the following findings using nasal endoscopy and/or sinus computed
tomography (CT):

i. Purulent mucus or edema in the middle meatus or ethmoid regions
ii. Polyps in the nasal cavity or the middle meatus
iii. Radiographic imaging demonstrating mucosal thickening or partial or
complete opacification of paranasal sinuses

-AND-

(c) One of the following:

i. Presence of bilateral nasal polyposis
ii. Patient has previously required surgical removal of bilateral nasal
polyps

-AND-

(d) One of the following:

i. Patient has required prior sinus surgery
ii. Patient has required systemic corticosteroids (e.g., prednisone,
methylprednisolone) for CRSwNP in the previous 2 years
iii. Patient has been unable to obtain symptom relief after trial of two of
the following classes of agents^:
• Nasal saline irrigations
• Intranasal corticosteroids (e.g., fluticasone, mometasone,
triamcinolone)
• Antileukotriene agents (e.g., montelukast, zafirlukast, zileuton)

-AND-

(2) Patient will receive Dupixent as add-on maintenance therapy in combination with
intranasal corticosteroids (e.g., fluticasone, mometasone, triamcinolone).

-AND-

(3) Patient is not receiving Dupixent in combination with any of the following:

(a) Anti-interleukin-5 therapy [e.g., Cinqair (resilizumab), Fasenra
(benralizumab), Nucala (mepolizumab)]
(b) Anti-IgE therapy [e.g., Xolair (omalizumab)]
(c) Thymic stromal lymphopoietin (TSLP) inhibitor [e.g., Tezspire
(tezepelumab)]

-AND-

(4) Prescribed by one of the following:

(a) Allergist
(b) Immunologist
(c) Otolaryngologist
(d) Pulmonologist

Authorization will be issued for 12 months."""

# UnitedHealthcare style (Afinitor policy): header and background, a population section, '(i)' labels
# (neuroendocrine tumors) and 'i.' labels under '(b) Both of the following:' (breast cancer), a paragraph
# criterion (NCCN), a footnote.
UHC_AFINITOR = """\
UnitedHealthcare Pharmacy
Clinical Pharmacy Programs

Program Number 2024 P 1003-13
Program Prior Authorization/Notification
Medication Afinitor® (everolimus)
P&T Approval Date 12/8/2009, 6/2010, 9/2010, 12/2010, 7/2011, 9/2011, 5/2012, 8/2012,
7/2013, 8/2014, 8/2015, 7/2016, 7/2017, 5/2018, 5/2019, 5/2020,
5/2021, 5/2022, 5/2023, 5/2024
Effective Date 8/1/2024

1. Background:
Afinitor (everolimus) is a kinase inhibitor indicated for the treatment of postmenopausal women
with advanced hormone receptor-positive, HER2-negative breast cancer in combination with
Aromasin® (exemestane) after failure of treatment with Femara® (letrozole) or Arimidex®
(anastrozole); in adults with progressive neuroendocrine tumors of pancreatic origin (PNET) and
adults with progressive, well-differentiated, non-functional neuroendocrine tumors (NET) of
gastrointestinal (GI) or lung origin that are unresectable, locally advanced or metastatic; adults
with advanced renal cell carcinoma (RCC) after failure of treatment with Sutent® (sunitinib) or
Nexavar® (sorafenib); adults with renal angiomyolipoma and tuberous sclerosis complex (TSC),
not requiring immediate surgery; treatment of adult and pediatric patients aged 1 year and older
with TSC who have subependymal giant cell astrocytoma (SEGA) that requires therapeutic
intervention but cannot be curatively resected; and for the adjunctive treatment of adult and
pediatric patients aged 2 years and older with TSC-associated partial-onset seizures.1

Afinitor is not indicated for the treatment of patients with functional carcinoid tumors.

The National Cancer Comprehensive Network (NCCN) also recommends use of Afinitor in
invasive and inflammatory breast cancer, Waldenström’s macroglobulinemia /
lymphoplasmacytic lymphoma, neuroendocrine tumors, kidney cancer, soft tissue sarcomas,
osteosarcomas, gastrointestinal stromal tumors, thymomas and thymic carcinomas, Hodgkin
lymphoma, follicular, oncocytic, and papillary thyroid carcinomas, subependymal giant cell
astrocytoma (SEGA), meningioma, histiocytic neoplasms, and endometrial carcinoma.2

Coverage Information:
Members will be required to meet the criteria below for coverage. For members under the age of
19 years, the prescription will automatically process without a coverage review.

Some states mandate benefit coverage for off-label use of medications for some diagnoses or
under some circumstances. Some states also mandate usage of other Compendium references.
Where such mandates apply, they supersede language in the benefit document or in the
notification criteria.

2. Coverage Criteriaa:
A. Patients less than 19 years of age

1. Afinitor will be approved based on the following criterion:

a. Patient is less than 19 years of age

Authorization will be issued for 12 months.

B. Neuroendocrine Tumors

1. Initial Authorization

a. Afinitor will be approved based on One of the following criteria:

(1) All of the following:

(a) Diagnosis of one of the following:

(i) Neuroendocrine tumors of gastrointestinal origin
(ii) Neuroendocrine tumors of lung origin
(iii) Neuroendocrine tumors of thymic origin

-AND-

(b) Disease is progressive

-AND-

(c) One of the following:

(i) Disease is unresectable
(ii) Disease is locally advanced
(iii) Disease is metastatic

-OR-

(2) Both of the following:

(a) Diagnosis of neuroendocrine tumors of pancreatic origin

-AND-

(b) One of the following:

(i) Used for the management of recurrent, locoregional advanced disease
and/or metastatic disease
(ii) Used as preoperative therapy of locoregional insulinoma with or without
diazoxide

Authorization will be issued for 12 months.

2. Reauthorization

a. Afinitor will be approved based on the following criterion:

(1) Patient does not show evidence of progressive disease while on Afinitor therapy

Authorization will be issued for 12 months.

G. Breast Cancer

1. Initial Authorization

a. Afinitor will be approved based on all of the following criteria:

(1) Diagnosis of breast cancer
-AND-
(2) One of the following:

(a) Disease is recurrent
(b) Disease is metastatic
-AND-
(3) Disease is hormone receptor (HR)-positive [i.e., estrogen-receptor-positive (ER+)
or progesterone-receptor-positive (PR+)]
-AND-
(4) Disease is human epidermal growth factor receptor 2 (HER2)-negative

-AND-

(5) One of the following:

(a) Patient is a postmenopausal woman

-OR-

(b) Both of the following:

i. Patient is a premenopausal woman
ii. Patient is being treated with ovarian ablation/suppression

-OR-

(c) Patient is male

-AND-

(6) Used in combination with one of the following:

(a) Exemestane if progressed within 12 months or on a non-steroidal aromatase
inhibitor [e.g., Arimidex (anastrozole), Femara (letrozole)]
(b) Fulvestrant
(c) Tamoxifen

Authorization will be issued for 12 months.

2. Reauthorization

a. Afinitor will be approved based on the following criterion:

(1) Patient does not show evidence of progressive disease while on Afinitor therapy

Authorization will be issued for 12 months.

R. NCCN Recommended Regimens

The drug has been recognized for treatment of the cancer indication by The National
Comprehensive Cancer Network (NCCN) Drugs and Biologics Compendium with a Category
of Evidence and Consensus of 1, 2A, or 2B

Authorization will be issued for 12 months.

a State mandates may apply. Any federal regulatory requirements and the member specific benefit
plan coverage may also impact coverage criteria. Other policies and utilization management
programs may apply.

3. Additional Clinical Rules:
• Notwithstanding Coverage Criteria, UnitedHealthcare may approve initial and re-authorization
based solely on previous claim/medication history, diagnosis codes (ICD-10) and/or claim logic.
Use of automated approval and re-approval processes varies by program and/or therapeutic class.
• Supply limits may be in place."""

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

# UnitedHealthcare style (Dupixent policy): a stem with a glued footnote letter ('following:b'), '-AND-' right
# after a list without a blank line, a 6-month authorization.
UHC_DUPIXENT_EOE = UHC_DUPIXENT_HEAD + """\
D. Eosinophilic Esophagitis

1. Initial Authorization

a. Dupixent will be approved based on all of the following criteria:

(1) Diagnosis of eosinophilic esophagitis

-AND-

(2) Patient is experiencing symptoms related to esophageal dysfunction (e.g.,
dysphagia, food impaction, chest pain that is often centrally located and may
not respond to antacids, gastroesophageal reflux disease-like
symptoms/refractory heartburn, upper abdominal pain)

-AND-

(3) Submission of medical records (e.g., chart notes, laboratory values, etc.)
documenting eosinophil-predominant inflammation on esophageal biopsy,
consisting of a peak value of ≥15 intraepithelial eosinophils per high power
field (HPF) (or 60 eosinophils per mm2)

-AND-

(4) Secondary causes of esophageal eosinophilia have been ruled out

-AND-

(5) Mucosal eosinophilia is isolated to the esophagus and symptoms have persisted
after an 8-week trial of at least one of the following:b

(a) Proton pump inhibitors (e.g., pantoprazole, omeprazole)
(b) Topical (esophageal) corticosteroids (e.g., budesonide, fluticasone)

-AND-
(6) Patient is not receiving Dupixent in combination with any of the following:

(a) Anti-interleukin-5 therapy [e.g., Cinqair (resilizumab), Fasenra
(benralizumab), Nucala (mepolizumab)]
(b) Anti-IgE therapy [e.g., Xolair (omalizumab)]
(c) Thymic stromal lymphopoietin (TSLP) inhibitor [e.g., Tezspire
(tezepelumab)]
-AND-

(7) Prescribed by one of the following:

(a) Gastroenterologist
(b) Allergist

Authorization will be issued for 6 months."""

# A numbered reference list (Epidiolex policy).
REFERENCE_LIST = """\
REFERENCES
1. Epidiolex® oral solution [prescribing information]. Palo Alto, CA: Jazz; October 2023.
2. Dravet Foundation – Dravet Syndrome. Available at:\
 https://www.dravetfoundation.org/what-is-dravet-syndrome/. Accessed on February 5, 2024.
3. Shafer PO. Epilepsy Foundation – Dravet Syndrome. Updated August 2020. Available at:
https://www.epilepsy.com/learn/types-epilepsy-syndromes/dravet-syndrome. Accessed on
February 5, 2024.
4. Wirrell EC, Laux L, Donner, et al. Optimizing the diagnosis and management of Dravet syndrome:
recommendations from a North American Consensus Panel. Pediatr Neurol. 2017;68:18-34.
5. Knupp KG1, Wirrell EC. Treatment Strategies for Dravet Syndrome. CNS Drugs. 2018;32(4):335-350.
6. Sirven JI, Shafer PO. Epilepsy Foundation – Lennox-Gastaut Syndrome. Updated February 2020.
Available at: https://www.epilepsy.com/learn/types-epilepsy-syndromes/lennox-gastaut-syndrome-lgs.\
 Accessed on February 5, 2024.
7. Cross JH, Auvin S, Falip M, et al. Expert opinion on the management of Lennox-Gastaut syndrome:
treatment algorithms and practical considerations. Front Neurol. 2017;8:505.
8. Ostendorf AP, Ng YT. Treatment-resistant Lennox-Gastaut syndrome: therapeutic trends,
challenges, and future directions. Neuropsych Dis Treatment. 2017;13:1131-1140.
9. Wheless JW. National Organization for Rare Diseases (NORD) – Lennox-Gastaut syndrome. Available
at: https://rarediseases.org/rare-diseases/lennox-gastaut-syndrome/#standard-therapies.
Accessed on February 5, 2024.
10. National Institutes of Neurological Disorders and Stroke. Tuberous Sclerosis Fact Sheet. Last
updated: November 28, 2023. Available at:\
 https://www.ninds.nih.gov/healthinformation/disorders/tuberous-sclerosis-complex. Accessed on\
 February 5, 2024.
11. Diacomit® capsules, powder for oral suspension [prescribing information]. Redwood City, CA:
Bicodex; July 2022.

12. Lennox-Gastaut Syndrome Foundation – Lennox-Gastaut Syndrome. Last updated: January 31,
2024. Available at: https://www.lgsfoundation.org/about-lgs-2/what-is-lennox-gastaut-syndrome/.\
 Accessed on February 5, 2024.
13. Cherian KA. Lennox-Gastaut syndrome treatment & management. Updated August 2020. Available
at: https://emedicine.medscape.com/article/1176735-treatment. Accessed on February 5, 2024.
14. Szaflarski JP, Devinsky O, Lopez M, et al. Long-term efficacy and safety of cannabidiol in\
 patients
with treatment-resistant epilepsies: Four-year results from the expanded access program. Epilepsia.
2023;64(3):619-629.
15. Szaflarski JP, Bebin EM, Cutter G, et al. Cannabidiol improves frequency and severity of\
 seizures
and reduces adverse events in an open-label add-on prospective study. Epilepsy Behav.
2018;87:131-136.
16. Devinsky O, Verducci C, Thiele EA, et al. Open-label use of highly purified CBD (Epidiolex®) in"""

# A revision-history table (adalimumab policy).
REVISION_HISTORY = """\
HISTORY
Type of
Revision
Summary of Changes Review
Date
Annual
Revision
No criteria changes. 04/05/2023
Selected
Revision
The following biosimilars were added to the policy: Abrilada,
adalimumab-adaz, adalimumab-fkjp, Cyltezo, Hadlima, Hulio,
Hyrimoz, Idacio, Yuflyma, and Yusimry. The criteria for these
biosimilars are that same as the existing criteria for Adalimumab
Products. There were no other changes to the criteria.
07/05/2023

Annual
Revision
Plaque Psoriasis: For a patient currently taking an
adalimumab product, the timeframe for established on therapy
was changed from 90 days to 3 months.
Behcet’s Disease: For a patient currently taking an
adalimumab product, the timeframe for established on therapy
was changed from 90 days to 3 months.
Hidradenitis Suppurativa: For a patient currently taking an
adalimumab product, the timeframe for established on therapy
was changed from 90 days to 3 months.
Sarcoidosis: For a patient currently taking an adalimumab
product, the timeframe for established on therapy was changed
from 90 days to 3 months.
03/27/2024
Selected
Revision
Simlandi was added to the policy. The criteria for Simlandi are
the same as the existing criteria for other adalimumab products.
There are no other changes to the criteria.
04/03/2024
Selected
Revision
Adalimumab-aacf and adalimumab-ryvk were added to the
policy. The criteria are the same as the existing criteria for other
adalimumab products. The following changes were also made:
Ankylosing Spondylitis: For initial approvals, a requirement
that the patient is ≥ 18 years of age was added.
Hidradenitis Suppurativa: For initial approvals, a
requirement that the patient is ≥ 12 years of age was added.
Juvenile Idiopathic Arthritis: For initial approvals, a
requirement that the patient is ≥ 2 years of age was added.
Plaque Psoriasis: In the Note, psoralen plus ultraviolet A light
(PUVA) was removed from the examples of traditional systemic
therapies. An additional Note was added that a 3-month trial of
PUVA counts as a traditional systemic therapy.
Psoriatic Arthritis: For initial approvals, a requirement that
the patient is ≥ 18 years of age was added.
Rheumatoid Arthritis: For initial approvals, a requirement
that the patient is ≥ 18 years of age was added.
Uveitis: For initial approvals, a requirement that the patient is
≥ 2 years of age was added.
Behcet’s Disease: For initial approvals, a requirement that the
patient is ≥ 2 years of age was added."""

# A drug label's contents and numbered sections (Veklury).
DRUG_LABEL = """\
FULL PRESCRIBING INFORMATION: CONTENTS*
1 INDICATIONS AND USAGE
2 DOSAGE AND ADMINISTRATION
2.1 Testing Before Initiating and During Treatment with
VEKLURY
2.2 Recommended Dosage in Adults and Pediatric Patients 12 Years
of Age and Older and Weighing at Least 40 kg
2.3 Renal Impairment
2.4 Dose Preparation and Administration
2.5 Storage of Prepared Dosages
3 DOSAGE FORMS AND STRENGTHS
4 CONTRAINDICATIONS
5 WARNINGS AND PRECAUTIONS
5.1 Hypersensitivity Including Infusion-related and Anaphylactic
Reactions
5.2 Increased Risk of Transaminase Elevations
5.3 Risk of Reduced Antiviral Activity When Coadministered with
Chloroquine Phosphate or Hydroxychloroquine Sulfate
6 ADVERSE REACTIONS
6.1 Clinical Trials Experience
7 DRUG INTERACTIONS
8 USE IN SPECIFIC POPULATIONS

8.1 Pregnancy
8.2 Lactation
8.4 Pediatric Use
8.5 Geriatric Use
8.6 Renal Impairment
8.7 Hepatic Impairment
10 OVERDOSAGE
11 DESCRIPTION
12 CLINICAL PHARMACOLOGY
12.1 Mechanism of Action
12.2 Pharmacodynamics
12.3 Pharmacokinetics
12.4 Microbiology
13 NONCLINICAL TOXICOLOGY
13.1 Carcinogenesis, Mutagenesis, Impairment of Fertility
13.2 Animal Toxicology and/or Pharmacology
14 CLINICAL STUDIES
16 HOW SUPPLIED/STORAGE AND HANDLING
17 PATIENT COUNSELING INFORMATION
* Sections or subsections omitted from the full prescribing
information are not listed.

FULL PRESCRIBING INFORMATION
1 INDICATIONS AND USAGE
VEKLURY is indicated for adults and pediatric patients (12 years of age and older and weighing at
least 40 kg) for the treatment of coronavirus disease 2019 (COVID-19) requiring hospitalization.
VEKLURY should only be administered in a hospital or in a healthcare setting capable of providing
acute care comparable to inpatient hospital care [see Clinical Studies (14)].
2 DOSAGE AND ADMINISTRATION
2.1 Testing Before Initiating and During Treatment with VEKLURY
Determine eGFR in all patients before starting VEKLURY and monitor while receiving VEKLURY as
clinically appropriate [see Dosage and Administration (2.3) and Use in Specific Populations (8.4,
8.6)].
Perform hepatic laboratory testing in all patients before starting VEKLURY and while receiving
VEKLURY as clinically appropriate [see Warnings and Precautions (5.2) and Use in Specific
Populations (8.7)].
Determine prothrombin time in all patients before starting VEKLURY and monitor while receiving
VEKLURY as clinically appropriate [see Adverse Reactions (6.1)].
2.2 Recommended Dosage in Adults and Pediatric Patients 12 Years of Age and Older and
Weighing at Least 40 kg
The recommended dosage for adults and pediatric patients 12 years of age and older and weighing
at least 40 kg is a single loading dose of VEKLURY 200 mg on Day 1 via intravenous infusion
followed by once-daily maintenance doses of VEKLURY 100 mg from Day 2 via intravenous infusion.
• The recommended treatment duration for patients not requiring invasive mechanical ventilation
and/or extracorporeal membrane oxygenation (ECMO) is 5 days. If a patient does not
demonstrate clinical improvement, treatment may be extended for up to 5 additional days for a
total treatment duration of up to 10 days.
• The recommended total treatment duration for patients requiring invasive mechanical ventilation
and/or ECMO is 10 days.
• VEKLURY must be diluted prior to intravenous infusion. Refer to Dosage and Administration (2.4)
for detailed preparation and administration instructions.
2.3 Renal Impairment
VEKLURY is not recommended in patients with eGFR less than 30 mL per minute [see Dosage and
Administration (2.1) and Use in Specific Populations (8.6)]."""

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

# Recommendations of a guideline (BSH 2019, iron deficiency in pregnancy), each verbatim; the tests number them.
GUIDELINE_RECOMMENDATIONS = [
    """\
Healthcare professionals should be aware that iron deficiency anaemia in pregnancy is common and\
 associated
with increased risk of maternal morbidity and mortality
(1B).""",
    """\
Healthcare professionals should be aware that iron deficiency anaemia in pregnancy is associated\
 with increased
risk of perinatal morbidity and mortality, and has important potential implications for the future\
 neuro-develop-ment of the infant (2B).""",
    """\
For nausea and epigastric discomfort, alternate day dosing
or preparations with lower iron content should be tried.
Slow release and enteric-coated forms should be avoided
(1A).""",
    """\
Repeat Hb testing is required 2–3 weeks after commencing treatment for established anaemia, to\
 assess compliance, correct administration and response to treatment
(1B).""",
    """\
Once the Hb is in the normal range, replacement should
continue for 3 months and until at least 6 weeks postpartum to replenish iron stores (1D).""",
    """\
If response to oral iron replacement is poor, compliance
should be confirmed and concomitant causes that may be
contributing to the anaemia considered, such as folate deficiency or malabsorption (1A).""",
]

# Prose and bullets of a guideline (NHS anaemia in pregnancy, 9.1-9.2).
GUIDELINE_PROSE = """\
9.1 Indications

IV iron therapy is indicated when there is non-compliance and or intolerance of oral
preparations, proven malabsorption (which includes post-bariatric surgery), GI diseases
such as Crohns/ulcerative colitis or in late gestation (>34 weeks) where a more rapid Hb
response is required (Pavord et al., 2020). IV iron is also indicated where there is a poor
response to oral Iron.

Thresholds for IV iron therapy should be individualised according to medical and obstetric
factors, but should be considered in the third trimester in women and people who present
after 34 weeks’ gestation with confirmed iron deficiency and a Hb<100 g/l. Ideally IV iron
therapy should be administered 3-4 weeks prior to birth to allow time for absorption.

Any woman and person consented for IV iron therapy should be given the Trusts patient
information leaflet ‘'Treatment for iron deficiency anaemia with intravenous iron' available on
the intranet.

IV iron therapy should not be administered out of hours to reduce the risk in cases where
there is an adverse reaction.

9.2 Contraindications

• History of anaphylaxis or serious reactions to parenteral iron therapy.
• Risk of hypersensitivity reactions are enhanced in patients with known allergies
including drug allergies and in patients with a history of severe asthma, eczema or
atopic allergy. There is also increased risk in women and people with active
immune or inflammatory conditions (e.g. SLE, rheumatoid arthritis).
• First trimester of pregnancy (if indicated in 1st trimester discuss with senior medical
staff).
• Active acute or chronic bacteraemia.
• Decompensated liver disease."""
