"""Demo data of competency development for `flask demo seed`: every role sees a filled page."""


def seed_competencies(now=None):
    """Load the dictionary and standards, then demo assessments and plans (each part only
    once: a second run adds nothing). Returns how many rows were added."""
    from .dictionary_demo import seed_dictionary
    from .needs_demo import seed_assessments
    from .plan_demo import seed_plans

    return seed_dictionary() + seed_assessments(now) + seed_plans(now)
