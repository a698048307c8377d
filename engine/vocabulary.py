"""Every code of the case-file contract, defined once.

The loader, the knowledge base, the command line, the app's widgets and the JSON
schema all take their vocabulary from these enums, so a code is spelled in one place.
Labels and help texts live in the knowledge base (rules/glossary.yaml), not here.
"""

from enum import StrEnum


class Sex(StrEnum):
    female = "female"
    male = "male"
    unknown = "unknown"


class KnownCancer(StrEnum):
    none = "none"
    breast = "breast"
    lung = "lung"
    prostate = "prostate"
    kidney = "kidney"
    thyroid = "thyroid"
    colorectal = "colorectal"
    melanoma = "melanoma"
    gynecologic = "gynecologic"
    liver = "liver"
    bladder = "bladder"
    lymphoma = "lymphoma"
    leukemia = "leukemia"
    myeloma = "myeloma"
    other = "other"


class History(StrEnum):
    # treatment
    chemotherapy = "chemotherapy"
    radiation_therapy = "radiation_therapy"
    growth_factor_therapy = "growth_factor_therapy"
    bone_marrow_transplant = "bone_marrow_transplant"
    corticosteroids = "corticosteroids"
    # blood
    chronic_anemia = "chronic_anemia"
    sickle_cell_disease = "sickle_cell_disease"
    thalassemia = "thalassemia"
    multiple_transfusions = "multiple_transfusions"
    gaucher_disease = "gaucher_disease"
    cytopenia = "cytopenia"
    splenomegaly = "splenomegaly"
    myeloproliferative_neoplasm = "myeloproliferative_neoplasm"
    # infection
    fever = "fever"
    elevated_inflammatory_markers = "elevated_inflammatory_markers"
    bacteremia = "bacteremia"
    iv_drug_use = "iv_drug_use"
    immunosuppression = "immunosuppression"
    diabetes = "diabetes"
    recent_spinal_procedure = "recent_spinal_procedure"
    tuberculosis_exposure = "tuberculosis_exposure"
    hiv = "hiv"
    # cancer-related
    weight_loss = "weight_loss"
    night_sweats = "night_sweats"
    bone_pain = "bone_pain"
    back_pain = "back_pain"
    hypercalcemia = "hypercalcemia"
    renal_impairment = "renal_impairment"
    monoclonal_protein = "monoclonal_protein"
    elevated_psa = "elevated_psa"
    elevated_alkaline_phosphatase = "elevated_alkaline_phosphatase"
    elevated_ldh = "elevated_ldh"
    cancer_in_remission = "cancer_in_remission"
    # symptoms
    neck_pain = "neck_pain"
    radicular_pain = "radicular_pain"
    neurologic_deficit = "neurologic_deficit"
    joint_pain = "joint_pain"
    # reconversion drivers
    smoker = "smoker"
    obesity = "obesity"
    endurance_athlete = "endurance_athlete"
    high_altitude = "high_altitude"
    # other
    anorexia_or_cachexia = "anorexia_or_cachexia"
    recent_trauma = "recent_trauma"
    osteoporosis = "osteoporosis"
    inflammatory_back_pain = "inflammatory_back_pain"
    autoimmune_disease = "autoimmune_disease"
    skin_pustulosis = "skin_pustulosis"
    psoriasis = "psoriasis"
    prior_bone_infection = "prior_bone_infection"
    elevated_ferritin = "elevated_ferritin"
    elevated_tryptase = "elevated_tryptase"
    alcohol_excess = "alcohol_excess"
    pregnancy = "pregnancy"


class Site(StrEnum):
    cervical_spine = "cervical_spine"
    thoracic_spine = "thoracic_spine"
    lumbar_spine = "lumbar_spine"
    sacrum = "sacrum"
    pelvis = "pelvis"
    femur = "femur"
    humerus = "humerus"
    tibia = "tibia"
    fibula = "fibula"
    skull = "skull"
    sternum = "sternum"
    ribs = "ribs"
    clavicle = "clavicle"
    scapula = "scapula"
    sacroiliac_joint = "sacroiliac_joint"
    hip = "hip"
    knee = "knee"
    foot = "foot"
    other = "other"


class Distribution(StrEnum):
    diffuse = "diffuse"
    focal = "focal"
    multifocal = "multifocal"
    patchy = "patchy"
    variegated = "variegated"
    combined = "combined"
    regional = "regional"


class T1Level(StrEnum):
    hyperintense = "hyperintense"
    intermediate = "intermediate"
    hypointense = "hypointense"
    mixed = "mixed"


class Comparison(StrEnum):
    brighter = "brighter"
    similar = "similar"
    darker = "darker"


class T2Level(StrEnum):
    hyperintense = "hyperintense"
    intermediate = "intermediate"
    hypointense = "hypointense"


class ChemicalShift(StrEnum):
    signal_loss = "signal_loss"
    no_signal_loss = "no_signal_loss"


class Dwi(StrEnum):
    restricted = "restricted"
    not_restricted = "not_restricted"


class Enhancement(StrEnum):
    none = "none"
    mild = "mild"
    marked = "marked"
    rim = "rim"
    heterogeneous = "heterogeneous"


class Sign(StrEnum):
    # lesion
    round_lesion = "round_lesion"
    well_defined_margins = "well_defined_margins"
    ill_defined_margins = "ill_defined_margins"
    bulls_eye_sign = "bulls_eye_sign"
    halo_sign = "halo_sign"
    cortical_destruction = "cortical_destruction"
    soft_tissue_mass = "soft_tissue_mass"
    epidural_extension = "epidural_extension"
    pedicle_involvement = "pedicle_involvement"
    posterior_element_involvement = "posterior_element_involvement"
    bone_expansion = "bone_expansion"
    cortical_thickening = "cortical_thickening"
    coarse_trabeculae = "coarse_trabeculae"
    corduroy_sign = "corduroy_sign"
    mini_brain_sign = "mini_brain_sign"
    periosteal_reaction = "periosteal_reaction"
    wrap_around_sign = "wrap_around_sign"
    skip_lesions = "skip_lesions"
    # fracture
    vertebral_collapse = "vertebral_collapse"
    convex_posterior_border = "convex_posterior_border"
    retained_normal_marrow_signal = "retained_normal_marrow_signal"
    fluid_sign = "fluid_sign"
    band_like_edema = "band_like_edema"
    # spine and joints
    endplate_erosion = "endplate_erosion"
    disc_involvement = "disc_involvement"
    paraspinal_abscess = "paraspinal_abscess"
    psoas_abscess = "psoas_abscess"
    phlegmon = "phlegmon"
    thin_smooth_abscess_wall = "thin_smooth_abscess_wall"
    subligamentous_spread = "subligamentous_spread"
    adjacent_to_degenerated_disc = "adjacent_to_degenerated_disc"
    claw_sign = "claw_sign"
    corner_lesions = "corner_lesions"
    sacroiliitis = "sacroiliitis"
    erosions = "erosions"
    enthesitis = "enthesitis"
    joint_effusion = "joint_effusion"
    soft_tissue_edema = "soft_tissue_edema"
    # blood and vessels
    h_shaped_vertebrae = "h_shaped_vertebrae"
    serpiginous_infarct = "serpiginous_infarct"
    double_line_sign = "double_line_sign"
    subchondral_crescent = "subchondral_crescent"
    erlenmeyer_flask = "erlenmeyer_flask"
    extramedullary_hematopoiesis = "extramedullary_hematopoiesis"
    blooming_on_gradient_echo = "blooming_on_gradient_echo"
    # distribution
    symmetric = "symmetric"
    epiphyseal_involvement = "epiphyseal_involvement"
    sharp_geometric_boundary = "sharp_geometric_boundary"
    # additions beyond contract v1 (optional codes, allowed by the contract)
    penumbra_sign = "penumbra_sign"


SIGN_GROUPS: dict[str, tuple[Sign, ...]] = {
    # How the contract groups the signs (section 1); every Sign belongs to exactly one group.
    "Lesion": (
        Sign.round_lesion,
        Sign.well_defined_margins,
        Sign.ill_defined_margins,
        Sign.bulls_eye_sign,
        Sign.halo_sign,
        Sign.cortical_destruction,
        Sign.soft_tissue_mass,
        Sign.epidural_extension,
        Sign.pedicle_involvement,
        Sign.posterior_element_involvement,
        Sign.bone_expansion,
        Sign.cortical_thickening,
        Sign.coarse_trabeculae,
        Sign.corduroy_sign,
        Sign.mini_brain_sign,
        Sign.periosteal_reaction,
        Sign.wrap_around_sign,
        Sign.skip_lesions,
        Sign.penumbra_sign,
    ),
    "Fracture": (
        Sign.vertebral_collapse,
        Sign.convex_posterior_border,
        Sign.retained_normal_marrow_signal,
        Sign.fluid_sign,
        Sign.band_like_edema,
    ),
    "Spine and joints": (
        Sign.endplate_erosion,
        Sign.disc_involvement,
        Sign.paraspinal_abscess,
        Sign.psoas_abscess,
        Sign.phlegmon,
        Sign.thin_smooth_abscess_wall,
        Sign.subligamentous_spread,
        Sign.adjacent_to_degenerated_disc,
        Sign.claw_sign,
        Sign.corner_lesions,
        Sign.sacroiliitis,
        Sign.erosions,
        Sign.enthesitis,
        Sign.joint_effusion,
        Sign.soft_tissue_edema,
    ),
    "Blood and vessels": (
        Sign.h_shaped_vertebrae,
        Sign.serpiginous_infarct,
        Sign.double_line_sign,
        Sign.subchondral_crescent,
        Sign.erlenmeyer_flask,
        Sign.extramedullary_hematopoiesis,
        Sign.blooming_on_gradient_echo,
    ),
    "Distribution": (
        Sign.symmetric,
        Sign.epiphyseal_involvement,
        Sign.sharp_geometric_boundary,
    ),
}


class CauseId(StrEnum):
    normal_marrow_variant = "normal_marrow_variant"
    red_marrow_reconversion = "red_marrow_reconversion"
    focal_red_marrow = "focal_red_marrow"
    vertebral_hemangioma = "vertebral_hemangioma"
    multiple_myeloma = "multiple_myeloma"
    bone_metastasis = "bone_metastasis"
    leukemia = "leukemia"
    lymphoma = "lymphoma"
    myelofibrosis = "myelofibrosis"
    systemic_mastocytosis = "systemic_mastocytosis"
    sickle_cell_disease = "sickle_cell_disease"
    thalassemia = "thalassemia"
    marrow_iron_overload = "marrow_iron_overload"
    gaucher_disease = "gaucher_disease"
    serous_atrophy = "serous_atrophy"
    osteomyelitis = "osteomyelitis"
    tuberculous_spondylitis = "tuberculous_spondylitis"
    spondyloarthritis = "spondyloarthritis"
    crmo_sapho = "crmo_sapho"
    modic_endplate_change = "modic_endplate_change"
    bone_contusion = "bone_contusion"
    osteoporotic_fracture = "osteoporotic_fracture"
    osteonecrosis = "osteonecrosis"
    transient_marrow_edema = "transient_marrow_edema"
    post_radiation_change = "post_radiation_change"
    post_chemotherapy_change = "post_chemotherapy_change"
    paget_disease = "paget_disease"


class Category(StrEnum):
    physiologic = "physiologic"
    benign_lesion = "benign_lesion"
    neoplastic = "neoplastic"
    hematologic = "hematologic"
    metabolic = "metabolic"
    infectious = "infectious"
    inflammatory = "inflammatory"
    degenerative = "degenerative"
    traumatic = "traumatic"
    vascular = "vascular"
    treatment_related = "treatment_related"


class SourceKind(StrEnum):
    """Where a curated case comes from: one published patient, or a series' prototype."""

    single_patient = "single_patient"
    series = "series"


class Difficulty(StrEnum):
    easy = "easy"
    moderate = "moderate"
    hard = "hard"
