"""(being written)"""


def seed_plans(now=None):
    return 0
