"""Every read and steward write the gateway runs, one module per concern.

Each query is defined once as a ``Statement`` (Cypher text, parameters, row mapper); each public
function has a synchronous form taking a ``Driver`` or ``Session`` and an ``…_async`` form taking an
``AsyncDriver`` or ``AsyncSession``. Inputs are lists where that makes sense, so a resolver can fetch
many at once instead of one query per item.
"""
