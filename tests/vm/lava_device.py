#!/usr/bin/python3
"""Renders vm-configs/lava/qemu-device.yaml.jinja2 with a LAVA job's context,
as a lab's lava-server renders its device template for each job, and prints
the device configuration for 'lava-run --device'.

usage: lava_device.py TEMPLATE JOB.yaml > device.yaml
"""
import sys

import jinja2
import yaml


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: lava_device.py TEMPLATE JOB.yaml")
    template_path, job_path = sys.argv[1:]
    with open(job_path) as job_file:
        job = yaml.safe_load(job_file)
    if not isinstance(job, dict) or "context" not in job:
        sys.exit(f"lava_device.py: {job_path} is not a LAVA job with a context; "
                 "fix: pass a job that 'daxtorture lava' wrote")
    with open(template_path) as template_file:
        template = jinja2.Template(template_file.read())
    rendered = template.render(**job["context"])
    yaml.safe_load(rendered)  # a template error shows here, not inside lava-run
    sys.stdout.write(rendered)


if __name__ == "__main__":
    main()
