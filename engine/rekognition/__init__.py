"""A local stand-in for Rekognition's face APIs, backed by dlib, for the embedded engine.

``engine`` finds faces and their 128-d encodings; ``faces`` turns them into Rekognition's
``FaceDetail``; ``similarity`` maps encoding distances to Rekognition's 0-100 scale; ``store``
keeps collections in SQLite; ``models`` implements the actions; ``responses`` speaks the JSON
protocol inside moto's server.
"""
