"""Excerpts of the UnitedHealthcare Dupixent policy: its head and three indications' criteria.
Verbatim; see the package docstring."""


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
