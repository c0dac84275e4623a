"""The codebook as a REFI-QDA Codebook Exchange file (.qdc), for ATLAS.ti, NVivo, MAXQDA, QualCoder.

Groups become codes that cannot be applied themselves (``isCodable="false"``) with the group's
codes nested inside; UUIDs are kept, so a researcher's later export maps back to our codes.
Archived codes are left out. No ``<Sets>``: an empty one is invalid and the nesting says it all.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..models import CodeGroup

NAMESPACE = "urn:QDA-XML:codebook:1.0"


def to_qdc(groups: list[CodeGroup], origin: str = "Buitenbinnen") -> bytes:
    ET.register_namespace("", NAMESPACE)
    root = ET.Element(f"{{{NAMESPACE}}}CodeBook", {"origin": origin})
    codes = ET.SubElement(root, f"{{{NAMESPACE}}}Codes")
    for group in groups:
        group_code = ET.SubElement(
            codes,
            f"{{{NAMESPACE}}}Code",
            {"guid": str(group.uuid), "name": group.name, "isCodable": "false", "color": group.colour},
        )
        if group.description:
            ET.SubElement(group_code, f"{{{NAMESPACE}}}Description").text = group.description
        for code in group.codes:
            if code.archived:
                continue
            element = ET.SubElement(
                group_code,
                f"{{{NAMESPACE}}}Code",
                {"guid": str(code.uuid), "name": code.name, "isCodable": "true", "color": code.colour},
            )
            if code.description:
                ET.SubElement(element, f"{{{NAMESPACE}}}Description").text = code.description
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
