"""(being written)"""


def seed_dictionary():
    return 0
