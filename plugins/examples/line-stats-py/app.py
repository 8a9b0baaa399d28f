import json

from wit_world import exports
from wit_world.exports import step
from wit_world.imports import log, workspace


class Step(exports.Step):
    def run(self, input: step.StepInput) -> step.StepOutput:
        params = json.loads(input.params_json or "{}")
        files = []
        for path in params.get("paths", []):
            text = workspace.read(path)
            files.append({"path": path, "lines": len(text.splitlines()), "words": len(text.split())})
        total = sum(f["lines"] for f in files)
        log.log(log.Level.INFO, f"counted {len(files)} files")
        return step.StepOutput(
            output_json=json.dumps({"files": files, "total_lines": total, "language": "python"}),
            summary=f"{len(files)} file(s), {total} lines, counted in Python.",
        )
