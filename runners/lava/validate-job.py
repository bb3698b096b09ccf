#!/usr/bin/python3
"""Checks LAVA job definitions with LAVA's own schema, as a lab's server
does on submission: lava_common.schemas.validate(job, strict=True).
Prints "valid: FILE" or "invalid: FILE: the schema's message" per file;
exit status 1 when any is invalid, 2 when lava_common is missing.

usage: validate-job.py JOB.yaml...
"""
import sys

try:
    import yaml
    from lava_common.schemas import validate
    from lava_common.version import __version__
except ImportError as error:
    print(f"cannot import LAVA's schemas ({error}); fix: apt-get install --no-install-recommends "
          "lava-common (tools/setup does)", file=sys.stderr)
    sys.exit(2)


def main():
    invalid = 0
    print(f"lava_common {__version__}: lava_common.schemas.validate(job, strict=True)")
    for path in sys.argv[1:]:
        with open(path) as job_file:
            job = yaml.safe_load(job_file)
        try:
            validate(job, strict=True)
            print(f"valid: {path}")
        except Exception as error:  # voluptuous.Invalid and its subclasses
            invalid += 1
            message = str(error).replace("\n", " ")
            print(f"invalid: {path}: {message}")
    sys.exit(1 if invalid else 0)


if __name__ == "__main__":
    main()
