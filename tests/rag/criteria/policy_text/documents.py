"""Excerpts that are not criteria: a reference list, a revision history, a drug label's sections and a
guideline's recommendations. Verbatim; see the package docstring."""


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
