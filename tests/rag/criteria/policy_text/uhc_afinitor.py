"""Excerpts of the UnitedHealthcare Afinitor policy: populations, criteria, a footnote.
Verbatim; see the package docstring."""


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
