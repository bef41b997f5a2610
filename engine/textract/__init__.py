"""The embedded engine's local Textract: ``AnalyzeID`` on an offline OCR engine (PP-OCRv4 models
run by ``rapidocr-onnxruntime``), served by moto's server like the local face service.

``ocr`` reads text lines, ``dates`` and ``mrz`` parse what they hold, ``fields`` finds the
identity document's fields among them, ``models`` is the action (Textract's request, answer
and errors) and ``responses`` the wire protocol. docs/id-documents.md says what it reads.
"""
